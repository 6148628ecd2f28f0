#include "pkcs11/token.h"

#include <dlfcn.h>
#include <openssl/core_names.h>

#include <map>
#include <utility>

#include "common/text.h"

namespace scepgate::pkcs11 {

namespace {

Error TokenError(std::string_view what, CK_RV rv) {
  return Error::Crypto("PKCS#11 " + std::string(what) + ": " + RvName(rv));
}

// A fixed-width, blank-padded CK_UTF8CHAR field as a string.
template <size_t N>
std::string Field(const CK_UTF8CHAR (&field)[N]) {
  std::string_view s(reinterpret_cast<const char*>(field), N);
  return std::string(TrimBlanks(s));
}

// DER OIDs of the curves scepgate makes, for CKA_EC_PARAMS.
const Bytes kP256 = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
const Bytes kP384 = {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};

CK_ATTRIBUTE Attr(CK_ATTRIBUTE_TYPE type, const void* value, size_t size) {
  return CK_ATTRIBUTE{type, const_cast<void*>(value), static_cast<CK_ULONG>(size)};
}
template <class T>
CK_ATTRIBUTE Attr(CK_ATTRIBUTE_TYPE type, const T& value) {
  return Attr(type, &value, sizeof value);
}

}  // namespace

// One loaded, initialised module. Shared by every Token of the same path: a second C_Initialize
// in one process fails, and one C_Finalize would end every user's sessions.
class Module {
 public:
  static Result<std::shared_ptr<Module>> Get(const std::string& path) {
    static std::mutex mu;
    static std::map<std::string, std::weak_ptr<Module>> loaded;
    std::lock_guard lock(mu);
    if (auto existing = loaded[path].lock()) return existing;
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* why = ::dlerror();
      return Fail(Error::NotFound("cannot load the PKCS#11 module " + path + ": " +
                                  (why ? why : "unknown error")));
    }
    auto get_list = reinterpret_cast<CK_C_GetFunctionList>(::dlsym(handle, "C_GetFunctionList"));
    CK_FUNCTION_LIST* list = nullptr;
    if (get_list == nullptr || get_list(&list) != CKR_OK || list == nullptr) {
      ::dlclose(handle);
      return Fail(Error::InvalidArgument(path + " is not a PKCS#11 module (no C_GetFunctionList)"));
    }
    CK_C_INITIALIZE_ARGS args{};
    args.flags = CKF_OS_LOCKING_OK;
    CK_RV rv = list->C_Initialize(&args);
    if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
      ::dlclose(handle);
      return Fail(TokenError("C_Initialize of " + path, rv));
    }
    auto module = std::shared_ptr<Module>(new Module(handle, list, rv == CKR_OK));
    loaded[path] = module;
    return module;
  }

  ~Module() {
    if (initialised_) list_->C_Finalize(nullptr);
    ::dlclose(handle_);
  }
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  CK_FUNCTION_LIST& f() const { return *list_; }

 private:
  Module(void* handle, CK_FUNCTION_LIST* list, bool initialised)
      : handle_(handle), list_(list), initialised_(initialised) {}
  void* handle_;
  CK_FUNCTION_LIST* list_;
  bool initialised_;  // false when someone else in the process had initialised it
};

class Token::Lease {
 public:
  Lease(Token* token, CK_SESSION_HANDLE session) : token_(token), session_(session) {}
  Lease(Lease&& other) noexcept
      : token_(std::exchange(other.token_, nullptr)), session_(other.session_) {}
  Lease& operator=(Lease&&) = delete;
  ~Lease() {
    if (token_ != nullptr) token_->Release(session_);
  }
  CK_SESSION_HANDLE get() const { return session_; }
  // The session is broken (closed, token removed): close it instead of pooling it.
  void Discard() {
    if (token_ == nullptr) return;
    token_->f().C_CloseSession(session_);
    token_ = nullptr;
  }
  // Discards the session when `rv` says it is broken; returns rv.
  CK_RV Check(CK_RV rv) {
    if (rv == CKR_SESSION_HANDLE_INVALID || rv == CKR_SESSION_CLOSED || rv == CKR_DEVICE_REMOVED ||
        rv == CKR_TOKEN_NOT_PRESENT)
      Discard();
    return rv;
  }

 private:
  Token* token_;
  CK_SESSION_HANDLE session_;
};

Token::Token(std::shared_ptr<Module> module, CK_SLOT_ID slot, std::string label)
    : module_(std::move(module)), slot_(slot), label_(std::move(label)) {}

Token::~Token() {
  for (CK_SESSION_HANDLE s : idle_) f().C_CloseSession(s);
  if (login_session_ != CK_INVALID_HANDLE) f().C_CloseSession(login_session_);
}

CK_FUNCTION_LIST& Token::f() const { return module_->f(); }

Result<std::shared_ptr<Token>> Token::Open(const TokenOptions& o) {
  if (o.module.empty())
    return Fail(Error::InvalidArgument(
        "no PKCS#11 module: set [pkcs11] module (or module-path in the URI)"));
  SG_ASSIGN_OR_RETURN(std::shared_ptr<Module> module, Module::Get(o.module));
  CK_FUNCTION_LIST& f = module->f();
  CK_ULONG count = 0;
  if (CK_RV rv = f.C_GetSlotList(CK_TRUE, nullptr, &count); rv != CKR_OK)
    return Fail(TokenError("C_GetSlotList", rv));
  std::vector<CK_SLOT_ID> slots(count);
  if (CK_RV rv = f.C_GetSlotList(CK_TRUE, slots.data(), &count); rv != CKR_OK)
    return Fail(TokenError("C_GetSlotList", rv));
  slots.resize(count);

  std::vector<std::pair<CK_SLOT_ID, std::string>> matches;
  std::string present;
  for (CK_SLOT_ID slot : slots) {
    CK_TOKEN_INFO info{};
    if (f.C_GetTokenInfo(slot, &info) != CKR_OK) continue;
    if ((info.flags & CKF_TOKEN_INITIALIZED) == 0) continue;
    const std::string label = Field(info.label);
    present += (present.empty() ? "'" : ", '") + label + "'";
    if (!o.token.token.empty() && o.token.token != label) continue;
    if (!o.token.manufacturer.empty() && o.token.manufacturer != Field(info.manufacturerID))
      continue;
    if (!o.token.serial.empty() && o.token.serial != Field(info.serialNumber)) continue;
    if (!o.token.model.empty() && o.token.model != Field(info.model)) continue;
    matches.emplace_back(slot, label);
  }
  const std::string wanted = DescribeUri(o.token);
  if (matches.empty())
    return Fail(Error::NotFound("no PKCS#11 token matches " + wanted + " in " + o.module +
                                " (tokens present: " + (present.empty() ? "none" : present) + ")"));
  if (matches.size() > 1)
    return Fail(Error::InvalidArgument("several PKCS#11 tokens match " + wanted + " (" + present +
                                       "): name one by token= or serial="));

  SG_ASSIGN_OR_RETURN(Bytes pin_digest, Digest("SHA256", AsView(o.pin)));
  // Tokens open in this process, by module and slot.
  static std::mutex open_mu;
  static std::map<std::pair<const Module*, CK_SLOT_ID>, std::weak_ptr<Token>> open;
  std::lock_guard lock(open_mu);
  auto& entry = open[{module.get(), matches[0].first}];
  if (auto existing = entry.lock()) {
    if (existing->pin_digest_ != pin_digest)
      return Fail(Error::PermissionDenied("PKCS#11 login to token '" + existing->label_ +
                                          "' refused: wrong PIN"));
    return existing;
  }
  auto token = std::shared_ptr<Token>(new Token(module, matches[0].first, matches[0].second));
  token->pin_digest_ = std::move(pin_digest);
  CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
  CK_RV rv = f.C_OpenSession(token->slot_, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr,
                             &session);
  if (rv != CKR_OK) return Fail(TokenError("C_OpenSession on token '" + token->label_ + "'", rv));
  token->login_session_ = session;
  rv = f.C_Login(session, CKU_USER, reinterpret_cast<CK_UTF8CHAR*>(const_cast<char*>(o.pin.data())),
                 static_cast<CK_ULONG>(o.pin.size()));
  if (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_INVALID || rv == CKR_PIN_LEN_RANGE)
    return Fail(Error::PermissionDenied("PKCS#11 login to token '" + token->label_ +
                                        "' refused: wrong PIN (" + RvName(rv) + ")"));
  if (rv == CKR_PIN_LOCKED || rv == CKR_PIN_EXPIRED)
    return Fail(Error::PermissionDenied("PKCS#11 login to token '" + token->label_ +
                                        "' refused: the PIN is " +
                                        (rv == CKR_PIN_LOCKED ? "locked" : "expired")));
  if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN)
    return Fail(TokenError("C_Login to token '" + token->label_ + "'", rv));
  entry = token;
  return token;
}

Result<Token::Lease> Token::Acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      CK_SESSION_HANDLE s = idle_.back();
      idle_.pop_back();
      return Lease(this, s);
    }
  }
  CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
  CK_RV rv = f().C_OpenSession(slot_, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &s);
  if (rv != CKR_OK) return Fail(TokenError("C_OpenSession on token '" + label_ + "'", rv));
  return Lease(this, s);
}

void Token::Release(CK_SESSION_HANDLE session) {
  std::lock_guard lock(mu_);
  idle_.push_back(session);
}

Result<CK_OBJECT_HANDLE> Token::FindPrivateKey(const Uri& uri) {
  if (uri.object.empty() && uri.id.empty())
    return Fail(Error::InvalidArgument("the PKCS#11 URI " + DescribeUri(uri) +
                                       " names no key (give object= or id=)"));
  if (!uri.type.empty() && uri.type != "private")
    return Fail(Error::InvalidArgument("the PKCS#11 URI " + DescribeUri(uri) + " names a " +
                                       uri.type + " object, not a private key"));
  CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
  std::vector<CK_ATTRIBUTE> find = {Attr(CKA_CLASS, cls)};
  if (!uri.object.empty()) find.push_back(Attr(CKA_LABEL, uri.object.data(), uri.object.size()));
  if (!uri.id.empty()) find.push_back(Attr(CKA_ID, uri.id.data(), uri.id.size()));
  SG_ASSIGN_OR_RETURN(Lease s, Acquire());
  CK_RV rv = s.Check(f().C_FindObjectsInit(s.get(), find.data(), find.size()));
  if (rv != CKR_OK) return Fail(TokenError("C_FindObjectsInit", rv));
  CK_OBJECT_HANDLE found[2];
  CK_ULONG n = 0;
  rv = f().C_FindObjects(s.get(), found, 2, &n);
  f().C_FindObjectsFinal(s.get());
  if (rv != CKR_OK) return Fail(TokenError("C_FindObjects", s.Check(rv)));
  if (n == 0)
    return Fail(Error::NotFound("token '" + label_ + "' holds no private key " + DescribeUri(uri)));
  if (n > 1)
    return Fail(Error::InvalidArgument("token '" + label_ + "' holds several private keys " +
                                       "matching " + DescribeUri(uri) + ": give its id="));
  return found[0];
}

namespace {

// Reads one variable-length attribute. kCrypto naming the CK_RV.
Result<Bytes> ReadAttribute(CK_FUNCTION_LIST& f, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE object,
                            CK_ATTRIBUTE_TYPE type) {
  CK_ATTRIBUTE a = Attr(type, nullptr, 0);
  if (CK_RV rv = f.C_GetAttributeValue(s, object, &a, 1); rv != CKR_OK)
    return Fail(TokenError("C_GetAttributeValue", rv));
  Bytes value(a.ulValueLen);
  a.pValue = value.data();
  if (CK_RV rv = f.C_GetAttributeValue(s, object, &a, 1); rv != CKR_OK)
    return Fail(TokenError("C_GetAttributeValue", rv));
  value.resize(a.ulValueLen);
  return value;
}

Result<EvpPkeyPtr> FromParams(const char* type, OSSL_PARAM_BLD& bld) {
  OsslPtr<OSSL_PARAM, OSSL_PARAM_free> params(OSSL_PARAM_BLD_to_param(&bld));
  OsslPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    DrainOpenSslErrors();
    return Fail(Error::Crypto("the token's public key does not parse"));
  }
  return EvpPkeyPtr(key);
}

// The public key of a public key object the token generated.
Result<EvpPkeyPtr> PublicKeyOf(CK_FUNCTION_LIST& f, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE pub,
                               const KeyPairSpec& spec) {
  OsslPtr<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free> bld(OSSL_PARAM_BLD_new());
  if (!bld) return Fail(Error::Crypto("OSSL_PARAM_BLD_new"));
  if (spec.kind == KeyKind::kRsa) {
    SG_ASSIGN_OR_RETURN(Bytes n, ReadAttribute(f, s, pub, CKA_MODULUS));
    SG_ASSIGN_OR_RETURN(Bytes e, ReadAttribute(f, s, pub, CKA_PUBLIC_EXPONENT));
    BignumPtr bn_n(BN_bin2bn(n.data(), static_cast<int>(n.size()), nullptr));
    BignumPtr bn_e(BN_bin2bn(e.data(), static_cast<int>(e.size()), nullptr));
    if (!bn_n || !bn_e ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1)
      return Fail(Error::Crypto("the token's RSA public key does not parse"));
    return FromParams("RSA", *bld);
  }
  SG_ASSIGN_OR_RETURN(Bytes point, ReadAttribute(f, s, pub, CKA_EC_POINT));
  // CKA_EC_POINT is the DER OCTET STRING holding the point; some tokens give the bare point.
  const size_t field = spec.bits == 384 ? 48 : 32;
  if (point.size() != 2 * field + 1) {
    const unsigned char* p = point.data();
    OsslPtr<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free> os(
        d2i_ASN1_OCTET_STRING(nullptr, &p, static_cast<long>(point.size())));
    if (!os) return Fail(Error::Crypto("the token's EC point does not parse"));
    point.assign(ASN1_STRING_get0_data(os.get()),
                 ASN1_STRING_get0_data(os.get()) + ASN1_STRING_length(os.get()));
  }
  const char* group = spec.bits == 384 ? "P-384" : "P-256";
  if (OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1)
    return Fail(Error::Crypto("OSSL_PARAM_BLD_push"));
  return FromParams("EC", *bld);
}

}  // namespace

Result<Token::Generated> Token::GenerateKeyPair(const KeyPairSpec& spec) {
  const bool rsa = spec.kind == KeyKind::kRsa;
  if (rsa ? (spec.bits < 2048 || spec.bits > 8192) : (spec.bits != 256 && spec.bits != 384))
    return Fail(Error::InvalidArgument("cannot make a " + std::string(rsa ? "RSA" : "EC") + " " +
                                       std::to_string(spec.bits) + "-bit key in a token"));
  if (spec.persistent && !spec.label.empty()) {
    Uri existing;
    existing.object = spec.label;
    auto found = FindPrivateKey(existing);
    if (found || found.error().code != ErrorCode::kNotFound)
      return Fail(Error::AlreadyExists("token '" + label_ + "' already holds a key labelled '" +
                                       spec.label + "'"));
  }
  const CK_BBOOL yes = CK_TRUE;
  const CK_BBOOL no = CK_FALSE;
  const CK_BBOOL on_token = spec.persistent ? CK_TRUE : CK_FALSE;
  const CK_ULONG bits = static_cast<CK_ULONG>(spec.bits);
  const uint8_t exponent[] = {0x01, 0x00, 0x01};
  const Bytes& curve = spec.bits == 384 ? kP384 : kP256;

  std::vector<CK_ATTRIBUTE> pub = {Attr(CKA_TOKEN, on_token), Attr(CKA_VERIFY, yes)};
  std::vector<CK_ATTRIBUTE> priv = {Attr(CKA_TOKEN, on_token), Attr(CKA_PRIVATE, yes),
                                    Attr(CKA_SENSITIVE, yes), Attr(CKA_EXTRACTABLE, no),
                                    Attr(CKA_SIGN, yes)};
  if (!spec.label.empty()) {
    pub.push_back(Attr(CKA_LABEL, spec.label.data(), spec.label.size()));
    priv.push_back(Attr(CKA_LABEL, spec.label.data(), spec.label.size()));
  }
  if (!spec.id.empty()) {
    pub.push_back(Attr(CKA_ID, spec.id.data(), spec.id.size()));
    priv.push_back(Attr(CKA_ID, spec.id.data(), spec.id.size()));
  }
  CK_MECHANISM mech{};
  if (rsa) {
    mech.mechanism = CKM_RSA_PKCS_KEY_PAIR_GEN;
    pub.push_back(Attr(CKA_MODULUS_BITS, bits));
    pub.push_back(Attr(CKA_PUBLIC_EXPONENT, exponent, sizeof exponent));
    pub.push_back(Attr(CKA_ENCRYPT, yes));
    priv.push_back(Attr(CKA_DECRYPT, yes));  // the RA key opens SCEP envelopes
  } else {
    mech.mechanism = CKM_EC_KEY_PAIR_GEN;
    pub.push_back(Attr(CKA_EC_PARAMS, curve.data(), curve.size()));
  }
  SG_ASSIGN_OR_RETURN(Lease s, Acquire());
  CK_OBJECT_HANDLE pub_handle = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE priv_handle = CK_INVALID_HANDLE;
  CK_RV rv = s.Check(f().C_GenerateKeyPair(s.get(), &mech, pub.data(), pub.size(), priv.data(),
                                           priv.size(), &pub_handle, &priv_handle));
  if (rv != CKR_OK) return Fail(TokenError("C_GenerateKeyPair on token '" + label_ + "'", rv));
  auto public_key = PublicKeyOf(f(), s.get(), pub_handle, spec);
  if (!public_key) {
    f().C_DestroyObject(s.get(), priv_handle);
    f().C_DestroyObject(s.get(), pub_handle);
    return Fail(public_key.error());
  }
  return Generated{priv_handle, std::move(*public_key)};
}

Result<Bytes> Token::Sign(CK_OBJECT_HANDLE key, CK_MECHANISM_TYPE mechanism, ByteView data) {
  return Crypt(false, key, mechanism, data);
}

Result<Bytes> Token::Decrypt(CK_OBJECT_HANDLE key, CK_MECHANISM_TYPE mechanism, ByteView data) {
  return Crypt(true, key, mechanism, data);
}

Result<Bytes> Token::Crypt(bool decrypt, CK_OBJECT_HANDLE key, CK_MECHANISM_TYPE mechanism,
                           ByteView data) {
  // C_SignInit/C_Sign and C_DecryptInit/C_Decrypt take the same arguments.
  const auto init = decrypt ? f().C_DecryptInit : f().C_SignInit;
  const auto run = decrypt ? f().C_Decrypt : f().C_Sign;
  const char* name = decrypt ? "C_Decrypt" : "C_Sign";
  SG_ASSIGN_OR_RETURN(Lease s, Acquire());
  CK_MECHANISM mech{mechanism, nullptr, 0};
  CK_RV rv = s.Check(init(s.get(), &mech, key));
  if (rv != CKR_OK) return Fail(TokenError(std::string(name) + "Init", rv));
  CK_ULONG size = 0;
  auto* in = const_cast<CK_BYTE*>(data.data());
  // The first call asks for the size and leaves the operation active; the second does it.
  rv = run(s.get(), in, data.size(), nullptr, &size);
  if (rv != CKR_OK) return Fail(TokenError(name, s.Check(rv)));
  Bytes out(size);
  rv = run(s.get(), in, data.size(), out.data(), &size);
  if (rv != CKR_OK) return Fail(TokenError(name, s.Check(rv)));
  out.resize(size);
  return out;
}

Result<bool> Token::NeverLeaves(CK_OBJECT_HANDLE key) {
  SG_ASSIGN_OR_RETURN(Lease s, Acquire());
  CK_BBOOL sensitive = CK_FALSE;
  CK_BBOOL extractable = CK_TRUE;
  CK_ATTRIBUTE attrs[] = {Attr(CKA_SENSITIVE, sensitive), Attr(CKA_EXTRACTABLE, extractable)};
  attrs[0].pValue = &sensitive;
  attrs[1].pValue = &extractable;
  CK_RV rv = s.Check(f().C_GetAttributeValue(s.get(), key, attrs, 2));
  if (rv != CKR_OK) return Fail(TokenError("C_GetAttributeValue", rv));
  return sensitive == CK_TRUE && extractable == CK_FALSE;
}

}  // namespace scepgate::pkcs11
