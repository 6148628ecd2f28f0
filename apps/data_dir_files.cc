#include "data_dir_files.h"

namespace scepgate::app {

namespace fs = std::filesystem;

bool InsideDataDir(const fs::path& file) {
  return !file.is_absolute() && !file.empty() && *file.begin() != "..";
}

unsigned LayoutMode(const fs::path& file) {
  return file.extension() == ".key" ? kPrivateMode : kPublicMode;
}

Result<std::vector<DataDirFile>> ListLayoutFiles(const fs::path& dir, const fs::path& sub,
                                                 const std::function<bool(const fs::path&)>& skip) {
  std::vector<DataDirFile> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir / sub, ec), end;
  if (ec) return Fail(Error::Io("cannot read " + (dir / sub).string() + ": " + ec.message()));
  for (; it != end; it.increment(ec)) {
    if (ec) return Fail(Error::Io("cannot read " + (dir / sub).string() + ": " + ec.message()));
    fs::path rel = fs::relative(it->path(), dir);
    const bool directory = it->is_directory();
    if (skip && skip(rel)) {
      if (directory) it.disable_recursion_pending();
      continue;
    }
    if (directory) {
      files.push_back({rel, kDirectoryMode, true});
    } else if (it->is_regular_file()) {
      files.push_back({rel, LayoutMode(rel), false});
    }
  }
  return files;
}

}  // namespace scepgate::app
