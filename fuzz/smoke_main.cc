// A deterministic stand-in for libFuzzer, for compilers without it: feeds the target its seeds,
// mutations of them (bit flips, truncations, byte edits, splices) and random bytes.
// Usage: fuzz_smoke_<x> [iterations]   (default 3000)
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "seeds.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

using scepgate::Bytes;

void Run(const Bytes& input) {
  // A copy in its own allocation, so that ASan/valgrind catch reads past the end.
  std::vector<uint8_t> exact(input.begin(), input.end());
  LLVMFuzzerTestOneInput(exact.empty() ? nullptr : exact.data(), exact.size());
}

Bytes Mutate(const Bytes& seed, const std::vector<Bytes>& seeds, std::mt19937_64& rng) {
  Bytes out = seed;
  auto pick = [&](size_t n) { return n == 0 ? size_t{0} : static_cast<size_t>(rng() % n); };
  switch (rng() % 6) {
    case 0:  // flip 1-4 bits
      for (int i = 0, n = 1 + static_cast<int>(rng() % 4); i < n && !out.empty(); ++i) {
        out[pick(out.size())] ^= static_cast<uint8_t>(1u << (rng() % 8));
      }
      break;
    case 1:  // truncate
      out.resize(pick(out.size() + 1));
      break;
    case 2:  // overwrite a byte with an interesting value
      if (!out.empty()) {
        static constexpr uint8_t kValues[] = {0x00, 0x80, 0x81, 0x82, 0x84, 0xff, 0x30, 0x7f};
        out[pick(out.size())] = kValues[rng() % sizeof kValues];
      }
      break;
    case 3:  // insert random bytes
      out.insert(out.begin() + static_cast<long>(pick(out.size() + 1)), 1 + rng() % 8,
                 static_cast<uint8_t>(rng()));
      break;
    case 4:  // delete a range
      if (!out.empty()) {
        size_t at = pick(out.size());
        out.erase(out.begin() + static_cast<long>(at),
                  out.begin() + static_cast<long>(at + pick(out.size() - at) / 4 + 1));
      }
      break;
    default: {  // splice with another seed
      const Bytes& other = seeds[pick(seeds.size())];
      size_t cut = pick(out.size() + 1);
      size_t from = pick(other.size() + 1);
      out.resize(cut);
      out.insert(out.end(), other.begin() + static_cast<long>(from), other.end());
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  long iterations = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 3000;
  std::vector<Bytes> seeds = scepgate::fuzz::BuildSeeds();
  std::mt19937_64 rng(0x5ce9a7e);
  Run({});
  for (const Bytes& s : seeds) Run(s);
  for (long i = 0; i < iterations; ++i) {
    if (i % 8 == 0) {  // pure noise
      Bytes noise(rng() % 512);
      for (auto& b : noise) b = static_cast<uint8_t>(rng());
      Run(noise);
    } else {
      Run(Mutate(seeds[rng() % seeds.size()], seeds, rng));
    }
  }
  std::printf("fuzz smoke: %zu seeds + %ld inputs, no crash\n", seeds.size(), iterations);
  return 0;
}
