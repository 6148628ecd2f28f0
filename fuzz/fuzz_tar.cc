// Backup archives (`scepgate restore` reads a file an administrator hands it): the ustar header
// decoder on the input as a block, and VerifyBundle then ExtractBundle on (1) the input as an
// archive and (2) a valid backup with the input spliced into it, so that mutations start from an
// archive that verifies. Must never crash, and never write outside the directory it is given.
#include <stdlib.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "archive/bundle.h"
#include "archive/tar_format.h"

namespace {

namespace fs = std::filesystem;
using scepgate::archive::BundleSource;
using scepgate::archive::TarType;

void RemoveWorkDir();

// A temporary directory for the run, removed at exit (registered once it exists, so that it is
// removed before the path itself is destroyed).
const fs::path& WorkDir() {
  static const fs::path dir = [] {
    std::string pattern = (fs::temp_directory_path() / "sg_fuzz_tar_XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    return fs::path(pattern);
  }();
  static const bool registered = (std::atexit(RemoveWorkDir), true);
  (void)registered;
  return dir;
}

void RemoveWorkDir() {
  std::error_code ec;
  fs::remove_all(WorkDir(), ec);
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A valid backup, written once.
const std::string& ValidBundle() {
  static const std::string bundle = [] {
    fs::path out = WorkDir() / "valid.tar";
    std::vector<BundleSource> sources = {
        {"scepgate.toml", TarType::kFile, 0600, "[server]\n", {}},
        {"ca", TarType::kDirectory, 0700, "", {}},
        {"ca/issuing.crt", TarType::kFile, 0644, std::string(700, 'c'), {}},
        {"ca/issuing.key", TarType::kFile, 0600, std::string(300, 'k'), {}},
    };
    if (!scepgate::archive::WriteBundle(out, {{"format", "scepgate-backup"}}, sources, 1))
      std::abort();
    std::string data = Slurp(out);
    fs::remove(out);
    return data;
  }();
  return bundle;
}

void Check(const std::string& archive) {
  const fs::path file = WorkDir() / "in.tar";
  const fs::path target = WorkDir() / "out";
  std::ofstream(file, std::ios::binary | std::ios::trunc) << archive;
  if (scepgate::archive::VerifyBundle(file)) (void)scepgate::archive::ExtractBundle(file, target);
  // Nothing may land beside the target: only in.tar (and out/, removed here) in the work dir.
  std::error_code ec;
  fs::remove_all(target, ec);
  for (const auto& entry : fs::directory_iterator(WorkDir(), ec))
    if (entry.path() != file) std::abort();
  fs::remove(file, ec);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  scepgate::archive::TarBlock block{};
  std::copy_n(in.begin(), std::min(in.size(), block.size()), block.begin());
  (void)scepgate::archive::DecodeTarHeader(block);
  Check(in);
  std::string spliced = ValidBundle();
  if (size >= 2) {
    size_t at = (size_t{data[0]} << 8 | data[1]) % (spliced.size() + 1);
    std::string rest = in.substr(2);
    spliced.replace(at, std::min(rest.size(), spliced.size() - at), rest);
  }
  Check(spliced);
  return 0;
}
