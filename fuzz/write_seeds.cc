// Writes the fuzz targets' seeds (seeds.h) into a directory as seed_NN files: the starting corpus
// for the libFuzzer binaries (scripts/fuzz.sh). Usage: fuzz_write_seeds DIR
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "seeds.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_write_seeds DIR\n");
    return 2;
  }
  std::filesystem::path dir = argv[1];
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    std::fprintf(stderr, "fuzz_write_seeds: cannot create %s: %s\n", argv[1], ec.message().c_str());
    return 1;
  }
  int n = 0;
  for (const scepgate::Bytes& seed : scepgate::fuzz::BuildSeeds()) {
    std::string name = "seed_" + std::to_string(n++);
    std::ofstream out(dir / name, std::ios::binary);
    out.write(reinterpret_cast<const char*>(seed.data()), static_cast<std::streamsize>(seed.size()));
    if (!out) {
      std::fprintf(stderr, "fuzz_write_seeds: cannot write %s\n", (dir / name).c_str());
      return 1;
    }
  }
  std::printf("%d seeds in %s\n", n, argv[1]);
  return 0;
}
