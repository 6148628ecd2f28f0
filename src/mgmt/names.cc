#include "mgmt/names.h"

#include "common/unicode_text.h"

namespace scepgate::mgmt {
namespace {

Error Invalid(std::string_view what, std::string_view why) {
  return Error::InvalidArgument(std::string(what) + " " + std::string(why));
}

}  // namespace

Result<std::string> CheckText(std::string_view text, std::string_view what, size_t max_bytes) {
  // Refuse the oversized before normalising them: NFC of 2 MB is work for nothing.
  if (text.size() > 3 * max_bytes)
    return Fail(Invalid(what, "is longer than " + std::to_string(max_bytes) + " bytes"));
  auto nfc = ToNfc(text);
  if (!nfc) return Fail(Invalid(what, "is not valid UTF-8"));
  if (nfc->size() > max_bytes)
    return Fail(Invalid(what, "is longer than " + std::to_string(max_bytes) + " bytes"));
  if (HasControlOrFormat(*nfc))
    return Fail(Invalid(what, "must not hold control or format characters (Unicode Cc, Cf)"));
  return std::move(*nfc);
}

Result<std::string> CheckName(std::string_view name, std::string_view what) {
  if (name.empty()) return Fail(Invalid(what, "must not be empty"));
  SG_ASSIGN_OR_RETURN(std::string nfc, CheckText(name, what, kMaxNameBytes));
  SG_ASSIGN_OR_RETURN(bool confusable, IsMixedScriptConfusable(nfc));
  if (confusable)
    return Fail(Invalid(what, "'" + nfc +
                                  "' mixes scripts as look-alikes do (e.g. Latin with "
                                  "a Cyrillic letter)"));
  return nfc;
}

bool SameName(std::string_view a, std::string_view b) { return CaselessEqual(a, b); }

}  // namespace scepgate::mgmt
