#include "ca/ca_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "ca/hierarchy.h"
#include "ca/issuer.h"
#include "ca/test_util.h"
#include "common/files.h"

namespace scepgate::ca {
namespace {

namespace fs = std::filesystem;
using namespace testutil;
using ::testing::HasSubstr;

unsigned Mode(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

bool SameCert(const X509& a, const X509& b) { return X509_cmp(&a, &b) == 0; }

CreateCaOptions Options(std::string_view key = "ec:p256") {
  CreateCaOptions o;
  o.name = "Acme";
  o.key = *ParseKeySpec(key);
  return o;
}

class CaDirTest : public ::testing::Test {
 protected:
  fs::path dir() const { return tmp_.path(); }
  fs::path ca() const { return tmp_.path() / "ca"; }
  void WritePem(const fs::path& path, const std::vector<const X509*>& certs) {
    std::string pem;
    for (const X509* c : certs) pem += *CertToPem(*c);
    ASSERT_TRUE(WriteFile(path, pem));
  }
  void WriteKey(const fs::path& path, const EVP_PKEY& key) {
    ASSERT_TRUE(WritePrivateFile(path, *KeyToPem(key)));
  }
  // init --import-ca with this bundle and key.
  Status Import(const std::vector<const X509*>& bundle, const EVP_PKEY& key) {
    WritePem(dir() / "import.crt", bundle);
    WriteKey(dir() / "import.key", key);
    CreateCaOptions o = Options();
    o.import_cert = dir() / "import.crt";
    o.import_key = dir() / "import.key";
    return CreateCaDirectory(dir(), o, now_, random_);
  }

  TempDir tmp_;
  SystemRandom random_;
  int64_t now_ = Now();
};

TEST_F(CaDirTest, CreatesFilesWithPrivateKeysAndLoadsThem) {
  ASSERT_TRUE(CreateCaDirectory(dir(), Options(), now_, random_));
  EXPECT_EQ(Mode(ca()), 0700u);
  for (const char* stem : {"root", "issuing", "ra"}) {
    EXPECT_EQ(Mode(ca() / (std::string(stem) + ".key")), 0600u) << stem;
    EXPECT_EQ(Mode(ca() / (std::string(stem) + ".crt")), 0644u) << stem;
  }
  auto set = LoadCaDirectory(dir());
  ASSERT_TRUE(set) << set.error().message;
  ASSERT_TRUE(set->root);
  EXPECT_EQ(NameToString(*X509_get_subject_name(set->root.get())), "CN=Acme Root CA");
  EXPECT_EQ(NameToString(*X509_get_subject_name(set->issuing.cert.get())), "CN=Acme Issuing CA");
  EXPECT_EQ(NameToString(*X509_get_subject_name(set->ra.cert.get())), "CN=Acme RA");
  EXPECT_EQ(KeyBits(*set->issuing.key), 256);
  EXPECT_TRUE(IsRsa(*set->ra.key));
  EXPECT_EQ(KeyBits(*set->ra.key), 2048);
  EXPECT_TRUE(IsIssuedBy(*set->issuing.cert, *set->root));
  EXPECT_TRUE(IsIssuedBy(*set->ra.cert, *set->issuing.cert));
  EXPECT_EQ(VerifyChain(*set->ra.cert, *set->root, {set->issuing.cert.get()}), "");
  EXPECT_FALSE(set->next.cert);
  EXPECT_TRUE(set->previous.empty());
}

TEST_F(CaDirTest, NeverOverwrites) {
  ASSERT_TRUE(CreateCaDirectory(dir(), Options(), now_, random_));
  auto before = ReadFile(ca() / "issuing.key");
  auto again = CreateCaDirectory(dir(), Options(), now_, random_);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(*ReadFile(ca() / "issuing.key"), *before);
}

TEST_F(CaDirTest, RaFollowsALargerRsaSpec) {
  ASSERT_TRUE(CreateCaDirectory(dir(), Options("rsa:3072"), now_, random_));
  auto set = LoadCaDirectory(dir());
  ASSERT_TRUE(set);
  EXPECT_EQ(KeyBits(*set->issuing.key), 3072);
  EXPECT_EQ(KeyBits(*set->ra.key), 3072);
}

TEST_F(CaDirTest, LoadReportsMissingAndMismatchedFiles) {
  auto missing = LoadCaDirectory(dir());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

  ASSERT_TRUE(CreateCaDirectory(dir(), Options(), now_, random_));
  WriteKey(ca() / "ra.key", *SharedKey("rsa:2048"));
  auto mismatched = LoadCaDirectory(dir());
  ASSERT_FALSE(mismatched);
  EXPECT_EQ(mismatched.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(mismatched.error().message, HasSubstr("ra.key"));

  ASSERT_TRUE(WriteFile(ca() / "issuing.crt", "garbage"));
  auto garbage = LoadCaDirectory(dir());
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(CaDirTest, ImportsAnIssuingCaWithItsChain) {
  TestCa ext = MakeTestCa("ec:p256", now_);
  WritePem(dir() / "import.crt", {ext.issuing.get(), ext.root.get()});
  WriteKey(dir() / "import.key", *ext.issuing_key);
  CreateCaOptions o = Options();
  o.import_cert = dir() / "import.crt";
  o.import_key = dir() / "import.key";
  auto created = CreateCaDirectory(dir(), o, now_, random_);
  ASSERT_TRUE(created) << created.error().message;

  EXPECT_FALSE(fs::exists(ca() / "root.key"));
  EXPECT_EQ(Mode(ca() / "issuing.key"), 0600u);
  auto set = LoadCaDirectory(dir());
  ASSERT_TRUE(set) << set.error().message;
  ASSERT_TRUE(set->root);
  EXPECT_TRUE(SameCert(*set->root, *ext.root));
  EXPECT_TRUE(SameCert(*set->issuing.cert, *ext.issuing));
  EXPECT_TRUE(IsRsa(*set->ra.key));
  EXPECT_EQ(VerifyChain(*set->ra.cert, *ext.root, {ext.issuing.get()}), "");

  auto stage = StageRollover(dir(), nullptr, now_, random_);
  ASSERT_FALSE(stage);
  EXPECT_EQ(stage.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(stage.error().message, HasSubstr("imported"));
}

TEST_F(CaDirTest, ImportWithoutChainHasNoRoot) {
  TestCa ext = MakeTestCa("ec:p256", now_);
  WritePem(dir() / "import.crt", {ext.issuing.get()});
  WriteKey(dir() / "import.key", *ext.issuing_key);
  CreateCaOptions o = Options();
  o.import_cert = dir() / "import.crt";
  o.import_key = dir() / "import.key";
  ASSERT_TRUE(CreateCaDirectory(dir(), o, now_, random_));
  EXPECT_FALSE(fs::exists(ca() / "root.crt"));
  auto set = LoadCaDirectory(dir());
  ASSERT_TRUE(set);
  EXPECT_FALSE(set->root);
}

// root -> policy CA -> issuing CA, as enterprise PKIs of three tiers have.
struct ThreeTiers {
  TestCa top;  // root and the policy CA
  EvpPkeyPtr issuing_key;
  X509Ptr issuing;
};
ThreeTiers MakeThreeTiers(int64_t now, Random& random) {
  ThreeTiers t{MakeTestCa("ec:p256", now), SharedKey("ec:p256"), nullptr};
  t.issuing = *MakeIssuingCa(*t.issuing_key, "Tier 3 Issuing CA", 1000, *t.top.issuing,
                             *t.top.issuing_key, now, random);
  return t;
}

TEST_F(CaDirTest, ImportKeepsTheIntermediatesBetweenIssuingCaAndRoot) {
  ThreeTiers t = MakeThreeTiers(now_, random_);
  auto created = Import({t.issuing.get(), t.top.issuing.get(), t.top.root.get()}, *t.issuing_key);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(Mode(ca() / "intermediates.crt"), 0644u);
  auto set = LoadCaDirectory(dir());
  ASSERT_TRUE(set) << set.error().message;
  ASSERT_EQ(set->intermediates.size(), 1u);
  EXPECT_TRUE(SameCert(*set->intermediates[0], *t.top.issuing));
  ASSERT_TRUE(set->root);
  EXPECT_TRUE(SameCert(*set->root, *t.top.root));
  EXPECT_TRUE(SameCert(*set->issuing.cert, *t.issuing));
  EXPECT_TRUE(IsIssuedBy(*set->ra.cert, *t.issuing));
}

TEST_F(CaDirTest, ImportWithoutTheRootKeepsTheIntermediatesOnly) {
  ThreeTiers t = MakeThreeTiers(now_, random_);
  ASSERT_TRUE(Import({t.issuing.get(), t.top.issuing.get()}, *t.issuing_key));
  EXPECT_FALSE(fs::exists(ca() / "root.crt"));
  auto set = LoadCaDirectory(dir());
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_FALSE(set->root);
  ASSERT_EQ(set->intermediates.size(), 1u);
  EXPECT_TRUE(SameCert(*set->intermediates[0], *t.top.issuing));
}

TEST_F(CaDirTest, ImportReplacesWhatAnUnfinishedAttemptLeft) {
  ThreeTiers t = MakeThreeTiers(now_, random_);
  // A first attempt wrote the chain's files and stopped before issuing.crt.
  ASSERT_TRUE(fs::create_directories(ca()));
  WritePem(ca() / "intermediates.crt", {t.top.issuing.get()});
  WritePem(ca() / "root.crt", {t.top.root.get()});
  WriteKey(ca() / "root.key", *t.top.root_key);
  // The second imports a CA that came without a chain: nothing of the first stays.
  TestCa plain = MakeTestCa("ec:p256", now_);
  ASSERT_TRUE(Import({plain.issuing.get()}, *plain.issuing_key));
  auto set = LoadCaDirectory(dir());
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_TRUE(set->intermediates.empty());
  EXPECT_FALSE(set->root);
  EXPECT_FALSE(fs::exists(ca() / "root.key"));
}

TEST_F(CaDirTest, ImportRefusesABundleThatDoesNotChain) {
  ThreeTiers t = MakeThreeTiers(now_, random_);
  // The root before the policy CA: the root did not issue the issuing CA.
  auto shuffled = Import({t.issuing.get(), t.top.root.get(), t.top.issuing.get()}, *t.issuing_key);
  ASSERT_FALSE(shuffled);
  EXPECT_EQ(shuffled.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(shuffled.error().message, HasSubstr("certificate 2 (Test Root CA) did not issue"));
  // Another hierarchy's root at the end.
  TestCa other = MakeTestCa("ec:p256", now_);
  auto foreign = Import({t.issuing.get(), t.top.issuing.get(), other.root.get()}, *t.issuing_key);
  ASSERT_FALSE(foreign);
  EXPECT_THAT(foreign.error().message, HasSubstr("certificate 3"));
  // Nothing of either attempt is left behind as a CA.
  EXPECT_FALSE(fs::exists(ca() / "issuing.crt"));
  EXPECT_FALSE(fs::exists(ca() / "intermediates.crt"));
}

TEST_F(CaDirTest, ImportRejectsANonCaCertificate) {
  TestCa ext = MakeTestCa("ec:p256", now_);
  EvpPkeyPtr leaf_key = SharedKey("rsa:2048");
  X509Ptr leaf =
      *MakeRaCert(*leaf_key, "Not A CA", 30, *ext.issuing, *ext.issuing_key, now_, random_);
  WritePem(dir() / "import.crt", {leaf.get(), ext.issuing.get(), ext.root.get()});
  WriteKey(dir() / "import.key", *leaf_key);
  CreateCaOptions o = Options();
  o.import_cert = dir() / "import.crt";
  o.import_key = dir() / "import.key";
  auto r = CreateCaDirectory(dir(), o, now_, random_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(r.error().message, HasSubstr("not a CA"));
  EXPECT_FALSE(fs::exists(ca() / "issuing.crt"));
}

TEST_F(CaDirTest, ImportRejectsAMismatchedKey) {
  TestCa ext = MakeTestCa("ec:p256", now_);
  WritePem(dir() / "import.crt", {ext.issuing.get(), ext.root.get()});
  WriteKey(dir() / "import.key", *ext.root_key);
  CreateCaOptions o = Options();
  o.import_cert = dir() / "import.crt";
  o.import_key = dir() / "import.key";
  auto r = CreateCaDirectory(dir(), o, now_, random_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(r.error().message, HasSubstr("does not match"));
  EXPECT_FALSE(fs::exists(ca() / "issuing.crt"));
}

TEST_F(CaDirTest, NothingStagedMeansNotFound) {
  ASSERT_TRUE(CreateCaDirectory(dir(), Options(), now_, random_));
  auto r = ActivateRollover(dir(), now_, random_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
}

TEST_F(CaDirTest, StagesAndActivatesARollover) {
  ASSERT_TRUE(CreateCaDirectory(dir(), Options(), now_, random_));
  CaSet old = *LoadCaDirectory(dir());
  Issuer old_issuer(CertDup(*old.issuing.cert), KeyFromPem(*KeyToPem(*old.issuing.key)).value(),
                    {});
  X509ReqPtr csr = MakeCsr(*SharedKey("ec:p256"), "before-rollover", {});
  X509Ptr old_leaf = *old_issuer.Issue(*csr, CertTemplate{}, *RandomSerial(random_), now_);

  const KeySpec p384 = *ParseKeySpec("ec:p384");
  auto staged = StageRollover(dir(), &p384, now_, random_);
  ASSERT_TRUE(staged) << staged.error().message;
  EXPECT_EQ(Mode(ca() / "next" / "issuing.key"), 0600u);
  auto again = StageRollover(dir(), nullptr, now_, random_);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  CaSet with_next = *LoadCaDirectory(dir());
  ASSERT_TRUE(with_next.next.cert);
  EXPECT_EQ(KeyBits(*with_next.next.key), 384);
  EXPECT_TRUE(IsIssuedBy(*with_next.next.cert, *old.root));
  EXPECT_TRUE(SameCert(*with_next.issuing.cert, *old.issuing.cert));  // not current yet

  auto activated = ActivateRollover(dir(), now_, random_);
  ASSERT_TRUE(activated) << activated.error().message;
  EXPECT_FALSE(fs::exists(ca() / "next"));
  EXPECT_EQ(Mode(ca() / "archive" / "1" / "issuing.key"), 0600u);
  CaSet now_set = *LoadCaDirectory(dir());
  EXPECT_TRUE(SameCert(*now_set.root, *old.root));
  EXPECT_TRUE(SameCert(*now_set.issuing.cert, *with_next.next.cert));
  ASSERT_EQ(now_set.previous.size(), 1u);
  EXPECT_TRUE(SameCert(*now_set.previous[0].cert, *old.issuing.cert));
  EXPECT_EQ(EVP_PKEY_eq(now_set.previous[0].key.get(), old.issuing.key.get()), 1);
  EXPECT_TRUE(IsIssuedBy(*now_set.ra.cert, *now_set.issuing.cert));
  EXPECT_FALSE(SameCert(*now_set.ra.cert, *old.ra.cert));
  EXPECT_NE(EVP_PKEY_eq(now_set.ra.key.get(), old.ra.key.get()), 1);
  EXPECT_TRUE(IsRsa(*now_set.ra.key));
  EXPECT_EQ(VerifyChain(*now_set.ra.cert, *now_set.root, {now_set.issuing.cert.get()}), "");
  EXPECT_FALSE(now_set.next.cert);
  // A certificate from before the rollover still chains through the archived CA.
  EXPECT_EQ(VerifyChain(*old_leaf, *now_set.root,
                        {now_set.issuing.cert.get(), now_set.previous[0].cert.get()}),
            "");

  EXPECT_EQ(ActivateRollover(dir(), now_, random_).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(StageRollover(dir(), nullptr, now_, random_));  // keeps P-384
  ASSERT_TRUE(ActivateRollover(dir(), now_, random_));
  CaSet third = *LoadCaDirectory(dir());
  ASSERT_EQ(third.previous.size(), 2u);
  EXPECT_TRUE(SameCert(*third.previous[1].cert, *now_set.issuing.cert));
  EXPECT_EQ(KeyBits(*third.issuing.key), 384);
  EXPECT_TRUE(fs::exists(ca() / "archive" / "2" / "issuing.crt"));
}

// An activation that stopped part-way (after archiving, or after promoting) can be run again.
TEST_F(CaDirTest, ActivationResumesAfterAnInterruption) {
  for (bool promoted : {false, true}) {
    TempDir tmp;
    const fs::path ca = tmp.path() / "ca";
    ASSERT_TRUE(CreateCaDirectory(tmp.path(), Options(), now_, random_));
    ASSERT_TRUE(StageRollover(tmp.path(), nullptr, now_, random_));
    CaSet before = *LoadCaDirectory(tmp.path());
    fs::create_directories(ca / "archive" / "1");
    for (const char* f : {"issuing.crt", "issuing.key"}) {
      fs::copy_file(ca / f, ca / "archive" / "1" / f);
      if (promoted) fs::copy_file(ca / "next" / f, ca / f, fs::copy_options::overwrite_existing);
    }
    auto r = ActivateRollover(tmp.path(), now_, random_);
    ASSERT_TRUE(r) << r.error().message;
    CaSet after = *LoadCaDirectory(tmp.path());
    ASSERT_EQ(after.previous.size(), 1u) << promoted;
    EXPECT_TRUE(SameCert(*after.previous[0].cert, *before.issuing.cert));
    EXPECT_TRUE(SameCert(*after.issuing.cert, *before.next.cert));
    EXPECT_TRUE(IsIssuedBy(*after.ra.cert, *after.issuing.cert));
    EXPECT_FALSE(fs::exists(ca / "next"));
  }
}

// Every file under `dir` whose name ends in `suffix`.
std::vector<fs::path> FilesEndingIn(const fs::path& dir, std::string_view suffix) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().string().ends_with(suffix)) out.push_back(e.path());
  return out;
}

// init --pkcs11: every key is made in the token, the directory names each by a .p11 file and
// holds no private key file; a rollover keeps them there, archive included.
TEST_F(CaDirTest, KeysInATokenLeaveNoKeyFileBehind) {
  FakeKeyToken token;
  CreateCaOptions o = Options();
  o.token = &token;
  ASSERT_TRUE(CreateCaDirectory(dir(), o, now_, random_));
  EXPECT_EQ(token.size(), 3u);  // root, issuing CA, RA
  EXPECT_THAT(FilesEndingIn(dir(), ".key"), ::testing::IsEmpty());
  for (const char* stem : {"root", "issuing", "ra"}) {
    auto uri = ReadFile(ca() / (std::string(stem) + ".p11"));
    ASSERT_TRUE(uri) << stem;
    EXPECT_THAT(*uri, HasSubstr("pkcs11:token=fake;object=" + std::string(stem)));
  }
  auto loaded = LoadCaDirectory(dir(), &token);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_TRUE(loaded->root_key);
  EXPECT_FALSE(loaded->issuing.uri.empty());
  EXPECT_TRUE(IsIssuedBy(*loaded->issuing.cert, *loaded->root));

  auto without = LoadCaDirectory(dir());
  ASSERT_FALSE(without);
  EXPECT_EQ(without.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_THAT(without.error().message, HasSubstr("[pkcs11]"));

  ASSERT_TRUE(StageRollover(dir(), nullptr, now_, random_, {}, {}, &token));
  ASSERT_TRUE(ActivateRollover(dir(), now_, random_, &token));
  EXPECT_EQ(token.size(), 5u);  // + next issuing CA, + its RA
  EXPECT_THAT(FilesEndingIn(dir(), ".key"), ::testing::IsEmpty());
  EXPECT_TRUE(fs::exists(ca() / "archive" / "1" / "issuing.p11"));
  auto rolled = LoadCaDirectory(dir(), &token);
  ASSERT_TRUE(rolled) << rolled.error().message;
  ASSERT_EQ(rolled->previous.size(), 1u);
  EXPECT_TRUE(SameCert(*rolled->previous[0].cert, *loaded->issuing.cert));
  EXPECT_TRUE(IsIssuedBy(*rolled->ra.cert, *rolled->issuing.cert));
}

// A key that does not sign for its certificate (the token was swapped) fails the load.
TEST_F(CaDirTest, ATokenKeyOfAnotherCertificateFailsTheLoad) {
  FakeKeyToken token;
  CreateCaOptions o = Options();
  o.token = &token;
  ASSERT_TRUE(CreateCaDirectory(dir(), o, now_, random_));
  ASSERT_TRUE(WriteFile(ca() / "issuing.p11", *ReadFile(ca() / "ra.p11"), 0644));
  auto loaded = LoadCaDirectory(dir(), &token);
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, ErrorCode::kInvalidArgument) << loaded.error().message;
}

// --import-key pkcs11:...: an issuing CA whose key was made in the token beforehand.
TEST_F(CaDirTest, ImportsAnIssuingCaWhoseKeyIsInTheToken) {
  FakeKeyToken token;
  auto made = token.Generate(*ParseKeySpec("ec:p256"), "ceremony");
  ASSERT_TRUE(made);
  TestCa outside = MakeTestCa("ec:p256", now_);
  auto issuing = MakeIssuingCa(*made->key, "Ceremony CA", 100, *outside.root, *outside.root_key,
                               now_, random_, "");
  ASSERT_TRUE(issuing);
  WritePem(dir() / "import.crt", {issuing->get(), outside.root.get()});
  CreateCaOptions o = Options();
  o.import_cert = dir() / "import.crt";
  o.import_key = made->uri;
  auto no_token = CreateCaDirectory(dir(), o, now_, random_);
  ASSERT_FALSE(no_token);
  EXPECT_THAT(no_token.error().message, HasSubstr("--pkcs11"));
  o.token = &token;
  ASSERT_TRUE(CreateCaDirectory(dir(), o, now_, random_));
  EXPECT_EQ(*ReadFile(ca() / "issuing.p11"), made->uri + "\n");
  EXPECT_THAT(FilesEndingIn(dir(), ".key"), ::testing::IsEmpty());
  auto loaded = LoadCaDirectory(dir(), &token);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_TRUE(SameCert(*loaded->issuing.cert, **issuing));
}

}  // namespace
}  // namespace scepgate::ca