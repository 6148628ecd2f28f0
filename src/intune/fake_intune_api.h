// An in-memory IntuneApi for the unit tests of code that calls Intune (the SCEP pipeline, the
// outbox): it records every call and answers what the test scripted. Test support, never shipped.
#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "intune/intune_api.h"

namespace scepgate::intune {

// Thread-safe: everything is guarded by mu_.
class FakeIntuneApi final : public IntuneApi {
 public:
  // The next calls (any of the five) fail with `error`, once each, before anything is recorded.
  void FailNext(Error error) {
    std::lock_guard lock(mu_);
    errors_.push_back(std::move(error));
  }
  // The next upload fails with `error`, once (after any FailNext error).
  void FailNextUpload(Error error) {
    std::lock_guard lock(mu_);
    upload_errors_.push_back(std::move(error));
  }
  // What Validate and the notifications answer from now on (Success by default).
  void SetAnswer(ValidationCode code, std::string description = "") {
    std::lock_guard lock(mu_);
    answer_ = {code, std::string(ValidationCodeName(code)), std::move(description)};
  }
  void QueueRevocation(RevocationRequest request) {
    std::lock_guard lock(mu_);
    revocations_.push_back(std::move(request));
  }

  Result<ValidationAnswer> Validate(std::string_view transaction_id, ByteView csr_der) override {
    std::lock_guard lock(mu_);
    SG_TRY_STATUS(NextError());
    validated_.push_back({std::string(transaction_id), Bytes(csr_der.begin(), csr_der.end())});
    return answer_;
  }
  Result<ValidationAnswer> NotifySuccess(const SuccessNotification& notification) override {
    std::lock_guard lock(mu_);
    SG_TRY_STATUS(NextError());
    successes_.push_back(notification);
    return answer_;
  }
  Result<ValidationAnswer> NotifyFailure(const FailureNotification& notification) override {
    std::lock_guard lock(mu_);
    SG_TRY_STATUS(NextError());
    failures_.push_back(notification);
    return answer_;
  }
  Result<std::vector<RevocationRequest>> DownloadRevocations(
      int max, std::optional<std::string> issuer_name) override {
    std::lock_guard lock(mu_);
    if (max < 1 || max > kMaxRevocationRequests)
      return Fail(Error::InvalidArgument("max out of 1..500"));
    SG_TRY_STATUS(NextError());
    std::vector<RevocationRequest> out;
    for (const RevocationRequest& r : revocations_) {
      if (static_cast<int>(out.size()) == max) break;
      if (!issuer_name || r.issuer_name == *issuer_name) out.push_back(r);
    }
    return out;
  }
  Status UploadRevocationResults(const std::vector<RevocationResult>& results) override {
    std::lock_guard lock(mu_);
    if (results.empty()) return Fail(Error::InvalidArgument("no results"));
    SG_TRY_STATUS(NextError());
    if (!upload_errors_.empty()) {
      Error e = std::move(upload_errors_.front());
      upload_errors_.pop_front();
      return Fail(std::move(e));
    }
    for (const RevocationResult& r : results) {
      std::erase_if(revocations_, [&](const RevocationRequest& q) {
        return q.request_context == r.request_context;
      });
      uploaded_.push_back(r);
    }
    return {};
  }

  struct Validated {
    std::string transaction_id;
    Bytes csr_der;
  };
  std::vector<Validated> validated() const {
    std::lock_guard lock(mu_);
    return validated_;
  }
  std::vector<SuccessNotification> successes() const {
    std::lock_guard lock(mu_);
    return successes_;
  }
  std::vector<FailureNotification> failures() const {
    std::lock_guard lock(mu_);
    return failures_;
  }
  std::vector<RevocationResult> uploaded() const {
    std::lock_guard lock(mu_);
    return uploaded_;
  }

 private:
  Status NextError() {
    if (errors_.empty()) return {};
    Error e = std::move(errors_.front());
    errors_.pop_front();
    return Fail(std::move(e));
  }

  mutable std::mutex mu_;
  std::deque<Error> errors_;
  std::deque<Error> upload_errors_;
  ValidationAnswer answer_{ValidationCode::kSuccess, "Success", ""};
  std::vector<RevocationRequest> revocations_;  // handed out until a result names them
  std::vector<Validated> validated_;
  std::vector<SuccessNotification> successes_;
  std::vector<FailureNotification> failures_;
  std::vector<RevocationResult> uploaded_;
};

}  // namespace scepgate::intune
