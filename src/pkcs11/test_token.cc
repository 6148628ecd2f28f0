#include "pkcs11/test_token.h"

#include <dlfcn.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include "common/files.h"
#include "pkcs11/api.h"

namespace scepgate::pkcs11 {

std::string SoftHsmModule() { return SCEPGATE_SOFTHSM2_MODULE; }

Status CreateSoftHsmToken(const std::filesystem::path& dir, const std::string& label,
                          const std::string& so_pin, const std::string& pin) {
  if (SoftHsmModule().empty() || !std::filesystem::exists(SoftHsmModule()))
    return Fail(Error::FailedPrecondition("SoftHSM2 is not installed (Debian package softhsm2)"));
  SG_TRY_STATUS(MakePrivateDirectory(dir / "tokens"));
  SG_TRY_STATUS(WriteFile(dir / "softhsm2.conf",
                          "directories.tokendir = " + (dir / "tokens").string() +
                              "\nobjectstore.backend = file\nlog.level = ERROR\n",
                          0600));
  ::setenv("SOFTHSM2_CONF", (dir / "softhsm2.conf").c_str(), 1);
  // The module is loaded here on its own (and stays loaded, as Token's would).
  void* handle = ::dlopen(SoftHsmModule().c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) return Fail(Error::FailedPrecondition("cannot load SoftHSM2"));
  auto get_list = reinterpret_cast<CK_C_GetFunctionList>(::dlsym(handle, "C_GetFunctionList"));
  CK_FUNCTION_LIST* f = nullptr;
  if (get_list == nullptr || get_list(&f) != CKR_OK)
    return Fail(Error::FailedPrecondition("SoftHSM2 has no C_GetFunctionList"));
  CK_C_INITIALIZE_ARGS args{};
  args.flags = CKF_OS_LOCKING_OK;
  CK_RV rv = f->C_Initialize(&args);
  const bool initialised_here = rv == CKR_OK;
  if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED)
    return Fail(Error::Crypto("C_Initialize: " + RvName(rv)));
  CK_ULONG count = 0;
  f->C_GetSlotList(CK_FALSE, nullptr, &count);
  std::vector<CK_SLOT_ID> slots(count);
  f->C_GetSlotList(CK_FALSE, slots.data(), &count);
  CK_SLOT_ID free_slot = 0;
  bool found = false;
  for (CK_SLOT_ID slot : slots) {
    CK_TOKEN_INFO info{};
    if (f->C_GetTokenInfo(slot, &info) == CKR_OK && (info.flags & CKF_TOKEN_INITIALIZED) == 0) {
      free_slot = slot;
      found = true;
      break;
    }
  }
  auto finish = [&](Status s) {
    if (initialised_here) f->C_Finalize(nullptr);
    return s;
  };
  if (!found) return finish(Fail(Error::Crypto("SoftHSM2 offers no free slot")));
  CK_UTF8CHAR padded[32];
  std::memset(padded, ' ', sizeof padded);
  std::memcpy(padded, label.data(), std::min(label.size(), sizeof padded));
  auto* so = reinterpret_cast<CK_UTF8CHAR*>(const_cast<char*>(so_pin.data()));
  auto* user = reinterpret_cast<CK_UTF8CHAR*>(const_cast<char*>(pin.data()));
  rv = f->C_InitToken(free_slot, so, so_pin.size(), padded);
  if (rv != CKR_OK) return finish(Fail(Error::Crypto("C_InitToken: " + RvName(rv))));
  // SoftHSM2 moves the new token to a slot of its own: find it by label.
  f->C_GetSlotList(CK_TRUE, nullptr, &count);
  slots.resize(count);
  f->C_GetSlotList(CK_TRUE, slots.data(), &count);
  for (CK_SLOT_ID slot : slots) {
    CK_TOKEN_INFO info{};
    if (f->C_GetTokenInfo(slot, &info) != CKR_OK ||
        std::memcmp(info.label, padded, sizeof padded) != 0)
      continue;
    CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
    rv = f->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &s);
    if (rv == CKR_OK) rv = f->C_Login(s, CKU_SO, so, so_pin.size());
    if (rv == CKR_OK) rv = f->C_InitPIN(s, user, pin.size());
    if (s != CK_INVALID_HANDLE) {
      f->C_Logout(s);
      f->C_CloseSession(s);
    }
    if (rv != CKR_OK) return finish(Fail(Error::Crypto("C_InitPIN: " + RvName(rv))));
    return finish({});
  }
  return finish(Fail(Error::Crypto("the new token is not in any slot")));
}

}  // namespace scepgate::pkcs11
