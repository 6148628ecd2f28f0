// Helpers for the archive tests: a temporary directory, whole-file reads and writes.
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

#include "store/test_temp_dir.h"

namespace scepgate::archive {

// The store tests' temporary directory (removed with what it holds).
using store::TempDir;

inline std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void Spit(const std::filesystem::path& p, const std::string& data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << data;
}

inline unsigned ModeOf(const std::filesystem::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 07777;
}

// Rewrites the checksum of the tar header at `offset` after a test changed it.
inline void FixChecksum(std::string& archive, size_t offset) {
  std::memset(archive.data() + offset + 148, ' ', 8);
  unsigned sum = 0;
  for (size_t i = 0; i < 512; ++i) sum += static_cast<unsigned char>(archive[offset + i]);
  std::snprintf(archive.data() + offset + 148, 8, "%06o", sum);
  archive[offset + 155] = ' ';
}

}  // namespace scepgate::archive
