#include "common/config_edit.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/config.h"

namespace scepgate {
namespace {

TEST(ConfigEditTest, ReplacesTheKeyOrItsCommentedDefaultInItsSectionOnly) {
  std::string text = "[server]\nlisten = \"a\"\n\n[store]\n# dsn = \"\"\nbackend = \"sqlite\"\n";
  std::string out = SetConfigValue(text, "store", "backend", TomlString("postgres"));
  EXPECT_EQ(out, "[server]\nlisten = \"a\"\n\n[store]\n# dsn = \"\"\nbackend = \"postgres\"\n");
  out = SetConfigValue(out, "store", "dsn", TomlString("host=db"));
  EXPECT_EQ(out,
            "[server]\nlisten = \"a\"\n\n[store]\ndsn = \"host=db\"\nbackend = \"postgres\"\n");
  // A key of the same name in another section is left alone.
  EXPECT_EQ(SetConfigValue("[a]\nx = 1\n[b]\nx = 2\n", "b", "x", "3"), "[a]\nx = 1\n[b]\nx = 3\n");
  // "x" does not match "xy".
  EXPECT_EQ(SetConfigValue("[a]\nxy = 1\n\n[b]\n", "a", "x", "2"), "[a]\nxy = 1\nx = 2\n\n[b]\n");
}

TEST(ConfigEditTest, AddsAMissingSection) {
  EXPECT_EQ(SetConfigValue("[a]\nx = 1", "store", "dsn", TomlString("q")),
            "[a]\nx = 1\n\n[store]\ndsn = \"q\"\n");
}

TEST(ConfigEditTest, TheDefaultConfigStaysValidAfterEdits) {
  std::string text = DefaultConfigText("pw");
  text = SetConfigValue(text, "store", "backend", TomlString("postgres"));
  text = SetConfigValue(text, "store", "dsn", TomlString("postgresql://u@h/db?x=\"y\"\\"));
  text = SetConfigValue(text, "server", "trusted_proxies", "[\"10.0.0.0/8\"]");
  auto file = std::filesystem::temp_directory_path() / "config_edit_test.toml";
  {
    std::ofstream out(file);
    out << text;
  }
  auto c = LoadConfig(file);
  std::filesystem::remove(file);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->store_backend, "postgres");
  EXPECT_EQ(c->store_dsn, "postgresql://u@h/db?x=\"y\"\\");
  EXPECT_EQ(c->trusted_proxies, std::vector<std::string>{"10.0.0.0/8"});
  EXPECT_EQ(c->challenge, "pw");
}

}  // namespace
}  // namespace scepgate
