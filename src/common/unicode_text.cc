#include "common/unicode_text.h"

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#include "common/icu.h"

namespace scepgate {
namespace {

// UTF-8 to UTF-16. kInvalidArgument for ill-formed UTF-8.
Result<std::u16string> ToUtf16(std::string_view text) {
  if (text.empty()) return std::u16string();
  UErrorCode status = U_ZERO_ERROR;
  int32_t length = 0;
  u_strFromUTF8(nullptr, 0, &length, text.data(), static_cast<int32_t>(text.size()), &status);
  if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(status))
    return Fail(Error::InvalidArgument("not valid UTF-8"));
  std::u16string out(static_cast<size_t>(length), u'\0');
  status = U_ZERO_ERROR;
  u_strFromUTF8(reinterpret_cast<UChar*>(out.data()), length, nullptr, text.data(),
                static_cast<int32_t>(text.size()), &status);
  if (U_FAILURE(status)) return Fail(Error::InvalidArgument("not valid UTF-8"));
  return out;
}

Result<std::string> ToUtf8(const std::u16string& text) {
  if (text.empty()) return std::string();
  UErrorCode status = U_ZERO_ERROR;
  int32_t length = 0;
  const auto* src = reinterpret_cast<const UChar*>(text.data());
  const auto n = static_cast<int32_t>(text.size());
  u_strToUTF8(nullptr, 0, &length, src, n, &status);
  if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(status))
    return Fail(Error::Internal(std::string("UTF-16 to UTF-8: ") + u_errorName(status)));
  std::string out(static_cast<size_t>(length), '\0');
  status = U_ZERO_ERROR;
  u_strToUTF8(out.data(), length, nullptr, src, n, &status);
  if (U_FAILURE(status))
    return Fail(Error::Internal(std::string("UTF-16 to UTF-8: ") + u_errorName(status)));
  return out;
}

Result<std::u16string> Nfc(const std::u16string& text) {
  UErrorCode status = U_ZERO_ERROR;
  const UNormalizer2* nfc = unorm2_getNFCInstance(&status);  // shared, never freed
  if (U_FAILURE(status)) return Fail(Error::Internal("ICU has no NFC normalizer"));
  const auto* src = reinterpret_cast<const UChar*>(text.data());
  const auto n = static_cast<int32_t>(text.size());
  int32_t length = unorm2_normalize(nfc, src, n, nullptr, 0, &status);
  if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(status))
    return Fail(Error::Internal(std::string("NFC: ") + u_errorName(status)));
  std::u16string out(static_cast<size_t>(length), u'\0');
  status = U_ZERO_ERROR;
  unorm2_normalize(nfc, src, n, reinterpret_cast<UChar*>(out.data()), length, &status);
  if (U_FAILURE(status)) return Fail(Error::Internal(std::string("NFC: ") + u_errorName(status)));
  return out;
}

Result<std::u16string> Fold(const std::u16string& text) {
  const auto* src = reinterpret_cast<const UChar*>(text.data());
  const auto n = static_cast<int32_t>(text.size());
  UErrorCode status = U_ZERO_ERROR;
  int32_t length = u_strFoldCase(nullptr, 0, src, n, U_FOLD_CASE_DEFAULT, &status);
  if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(status))
    return Fail(Error::Internal(std::string("case folding: ") + u_errorName(status)));
  std::u16string out(static_cast<size_t>(length), u'\0');
  status = U_ZERO_ERROR;
  u_strFoldCase(reinterpret_cast<UChar*>(out.data()), length, src, n, U_FOLD_CASE_DEFAULT, &status);
  if (U_FAILURE(status))
    return Fail(Error::Internal(std::string("case folding: ") + u_errorName(status)));
  return out;
}

}  // namespace

Result<std::string> ToNfc(std::string_view text) {
  SG_ASSIGN_OR_RETURN(std::u16string wide, ToUtf16(text));
  SG_ASSIGN_OR_RETURN(std::u16string nfc, Nfc(wide));
  return ToUtf8(nfc);
}

bool HasControlOrFormat(std::string_view text) {
  auto wide = ToUtf16(text);
  if (!wide) return true;
  const std::u16string& s = *wide;
  for (int32_t i = 0, n = static_cast<int32_t>(s.size()); i < n;) {
    UChar32 c;
    U16_NEXT(s.data(), i, n, c);
    int8_t type = u_charType(c);
    if (type == U_CONTROL_CHAR || type == U_FORMAT_CHAR) return true;
  }
  return false;
}

Result<bool> IsMixedScriptConfusable(std::string_view text) {
  UErrorCode status = U_ZERO_ERROR;
  SpoofCheckerPtr checker(uspoof_open(&status));
  if (U_FAILURE(status)) return Fail(Error::Internal("ICU cannot open a spoof checker"));
  uspoof_setChecks(checker.get(), USPOOF_RESTRICTION_LEVEL | USPOOF_MIXED_NUMBERS, &status);
  uspoof_setRestrictionLevel(checker.get(), USPOOF_MODERATELY_RESTRICTIVE);
  if (U_FAILURE(status)) return Fail(Error::Internal("ICU cannot set the spoof checks"));
  SG_ASSIGN_OR_RETURN(std::u16string wide, ToUtf16(text));
  int32_t found = uspoof_check(checker.get(), reinterpret_cast<const UChar*>(wide.data()),
                               static_cast<int32_t>(wide.size()), nullptr, &status);
  if (U_FAILURE(status))
    return Fail(Error::Internal(std::string("spoof check: ") + u_errorName(status)));
  return found != 0;
}

std::string FoldCase(std::string_view text) {
  auto wide = ToUtf16(text);
  if (!wide) return std::string(text);
  auto composed = Nfc(*wide);  // fold composed text, then compose what folding split
  if (!composed) return std::string(text);
  auto folded = Fold(*composed);
  if (!folded) return std::string(text);
  auto nfc = Nfc(*folded);
  if (!nfc) return std::string(text);
  auto out = ToUtf8(*nfc);
  return out ? *out : std::string(text);
}

bool CaselessEqual(std::string_view a, std::string_view b) { return FoldCase(a) == FoldCase(b); }

}  // namespace scepgate
