// RAII for the ICU handles scepgate owns: one unique_ptr alias per C handle, with its deleter.
#pragma once

#include <unicode/uspoof.h>

#include <memory>

namespace scepgate {

struct SpoofCheckerDeleter {
  void operator()(USpoofChecker* p) const { uspoof_close(p); }
};
using SpoofCheckerPtr = std::unique_ptr<USpoofChecker, SpoofCheckerDeleter>;

}  // namespace scepgate
