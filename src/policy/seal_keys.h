// The seal key file shared by the management plane and the gateways (see sealed_challenge.h).
// Thread-safe (no shared state); concurrent rotations of one file are not coordinated: the last
// writer wins, so rotate from one place (the management plane).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "common/random.h"
#include "policy/sealed_challenge.h"

namespace scepgate::policy {

// The key file: one key per line, "<id> <base64 of 32 bytes>"; the first line is the current key
// (used to seal), every line is accepted to open; '#' comments and blank lines are ignored.
// Written 0600. Returns the keys, current first. kNotFound when the file is missing,
// kInvalidArgument naming the line for a bad line or a duplicate id (or when the file holds no
// key), kIo otherwise.
Result<std::vector<SealKey>> LoadSealKeys(const std::filesystem::path& file);

// Makes a new random key with a fresh id ("k1", "k2", ... one more than the highest kN present),
// puts it first (current) and keeps the older keys after it, at most `keep` keys in all (the
// oldest dropped); comments in the old file are not kept. Creates the file when missing. Returns
// the new key's id; kInvalidArgument for a bad existing file or keep == 0, kIo / kCrypto
// otherwise.
Result<std::string> RotateSealKey(const std::filesystem::path& file, Random& random,
                                  size_t keep = 3);

}  // namespace scepgate::policy
