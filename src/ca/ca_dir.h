// The CA material in a data directory, and its life cycle: create, load, stage a rollover,
// activate it, renew the RA certificate. Layout (keys 0600, certificates PEM 0644, directories
// 0700):
//   DIR/ca/root.crt, root.key           self-signed root (with --import-ca: root.crt only, and
//                                       only when the imported chain ends in a self-signed cert)
//   DIR/ca/root.offline                 with --offline-root: root.crt only, its key was written to
//                                       a file outside DIR (ca/offline_root.h)
//   DIR/ca/intermediates.crt            with --import-ca: the CAs between the issuing CA and the
//                                       root, the issuing CA's issuer first (when there are any)
//   DIR/ca/issuing.crt, issuing.key     current issuing CA
//   DIR/ca/ra.crt, ra.key               RA certificate (RSA) issued by the current issuing CA
//   DIR/ca/ra-next.crt                  a renewal of ra.crt for the same key, published by a node
//                                       and loaded, not yet served (scep/ra_renewal.h)
//   DIR/ca/ra-previous.crt              the RA certificate the served one renewed, for the
//                                       clients that still encrypt to it
//   DIR/ca/next/issuing.crt, .key       staged next issuing CA (GetNextCACert), when staged
//   DIR/ca/archive/N/issuing.crt, .key  previous issuing CAs, kept to sign their CRLs (N = 1, 2..)
// A key kept in a PKCS#11 token (init --pkcs11) is named by STEM.p11 (its URI, 0644; no secret)
// instead of STEM.key: the data dir then holds no private key file. Loading such a directory
// needs the token (ca/key_token.h); without it, kFailedPrecondition names [pkcs11].
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "ca/key_spec.h"
#include "ca/key_token.h"
#include "common/ossl.h"
#include "common/random.h"

namespace scepgate::ca {

struct CaKeyPair {
  X509Ptr cert;
  EvpPkeyPtr key;
  std::string uri = {};  // the token's URI of `key` (STEM.p11); empty for a key file
};

// Everything loaded from DIR/ca. Not thread-safe to mutate; share as const.
struct CaSet {
  X509Ptr root;         // may be null when an imported issuing CA came without its root
  EvpPkeyPtr root_key;  // DIR/ca/root.key; null when the root is offline or was not imported
  std::vector<X509Ptr> intermediates;  // imported: issuing CA's issuer first, up to the root
  CaKeyPair issuing;                   // current
  CaKeyPair ra;                        // RA (signs CertReps, decrypts requests)
  X509Ptr ra_next;      // DIR/ca/ra-next.crt: the RA key's renewal, loaded, not served; or null
  X509Ptr ra_previous;  // DIR/ca/ra-previous.crt: the RA key's certificate before; or null
  CaKeyPair next;       // staged rollover; cert null when none
  std::vector<CaKeyPair> previous;  // archived issuing CAs, oldest first
};

struct CreateCaOptions {
  std::string name = "scepgate";  // CN prefix: "<name> Root CA", "<name> Issuing CA", "<name> RA"
  KeySpec key;                    // for root and issuing CA; the RA is always RSA (2048 or the
                                  // RSA size given)
  std::filesystem::path import_cert;  // PEM: issuing CA cert, optionally followed by its chain
  std::filesystem::path import_key;   // PEM private key of the imported issuing CA
  // Set: the new root's key is written once to this file (0600, never over an existing file,
  // never inside DIR) and not kept in DIR/ca. Not with an import.
  std::filesystem::path offline_root_key;
  // [ca] crl_base_url: the new issuing CA names the root's CRL there (RootCrlUrl).
  std::string crl_base_url;
  // Set: the root (unless offline), issuing CA and RA keys are made in this token, and an
  // import_key that is a "pkcs11:" URI names a key already in it.
  KeyToken* token = nullptr;
  int root_days = 7300;
  int issuing_days = 3650;
  int ra_days = 730;
};

// Creates DIR/ca with a new hierarchy (or the imported issuing CA and a new RA).
// Returns kAlreadyExists when DIR/ca/issuing.crt exists, kInvalidArgument when the imported cert
// is not a CA or does not match its key, or when a certificate after it in the bundle is not a CA
// or did not issue the one before; for `offline_root_key`, what CheckOfflineRootKeyPath returns,
// and kInvalidArgument together with an import; kIo / kCrypto otherwise.
Status CreateCaDirectory(const std::filesystem::path& dir, const CreateCaOptions& options,
                         int64_t now, Random& random);

// Loads DIR/ca, keys named by .p11 files from `token`. Returns kNotFound when it was never
// created, kInvalidArgument for a file that does not parse or a key that does not match its
// certificate, kFailedPrecondition for a key in a token when `token` is null, and what
// KeyToken::Load returns.
Result<CaSet> LoadCaDirectory(const std::filesystem::path& dir, KeyToken* token = nullptr);

// Stages a next issuing CA signed by the root, with the same key type as the current one unless
// `key` says otherwise. The root key is DIR/ca/root.key, or `root_key_file` when given (an
// offline root). With `token`, the new key is made in it (and keys named by .p11 files load from
// it). Returns kAlreadyExists when one is staged, and what LoadRootKey returns
// (kFailedPrecondition naming --root-key for an offline root without it, kInvalidArgument when
// there is no root key here (imported CA) or the file is not the root's key).
Status StageRollover(const std::filesystem::path& dir, const KeySpec* key, int64_t now,
                     Random& random, const std::filesystem::path& root_key_file = {},
                     std::string_view crl_base_url = {}, KeyToken* token = nullptr);

// Creates another issuing CA under the root of the data dir DIR, for nodes that sign with their
// own issuing CA (option 2 of docs/high-availability.md): CN `common_name`, the key `key` (or the
// current issuing CA's type when null), the current one's lifetime. Writes OUT/issuing.key (0600)
// and OUT/issuing.crt (0644) in OUT (created 0700; it must be absent or empty) and returns the
// pair; with `token`, the key is made there and OUT/issuing.p11 names it. The root key is found as
// StageRollover finds it, with the same errors; kAlreadyExists when OUT holds anything,
// kInvalidArgument for an empty name or one the current issuing CA has.
Result<CaKeyPair> CreateSiblingIssuer(const std::filesystem::path& dir,
                                      const std::filesystem::path& out,
                                      const std::string& common_name, const KeySpec* key,
                                      int64_t now, Random& random,
                                      const std::filesystem::path& root_key_file = {},
                                      std::string_view crl_base_url = {},
                                      KeyToken* token = nullptr);

// Writes `cert`, a renewal of the RA certificate for the same key, as DIR/ca/ra-next.crt.
// kInvalidArgument when it certifies another key than DIR/ca/ra.crt, kNotFound without a CA,
// kIo.
Status StageRaCertificate(const std::filesystem::path& dir, const X509& cert);

// Serves the staged renewal: DIR/ca/ra.crt becomes ra-previous.crt and ra-next.crt becomes
// ra.crt. Safe to run again after a crash part way. kNotFound when none is staged, kIo.
Status PromoteRaCertificate(const std::filesystem::path& dir);

// Makes the staged CA current: the current one moves to the archive, a new RA is issued by the
// new CA (its key in `token` when given). Returns kNotFound when nothing is staged.
Status ActivateRollover(const std::filesystem::path& dir, int64_t now, Random& random,
                        KeyToken* token = nullptr);

}  // namespace scepgate::ca
