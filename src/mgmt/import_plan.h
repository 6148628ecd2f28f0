// Internal to the bulk import (import.h): each row checked against the rules and against what the
// store and the rows before it hold, and turned into what to write.
// Thread-compatible: one planner per import.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "common/random.h"
#include "mgmt/import.h"
#include "store/directory.h"

namespace scepgate::mgmt {

// What one good row writes.
struct RowPlan {
  int line = 0;
  std::string type;  // device|user|member
  std::optional<store::UserRecord> user;
  std::optional<store::DeviceRecord> device;
  bool existing = false;  // the user or device is already in the store or earlier in the file
  bool minted = false;    // the device's id was minted here
  std::vector<store::GroupRecord> new_groups;  // groups this row is the first to name
  std::vector<store::BatchMember> members;
};

class ImportPlanner {
 public:
  // Reads the users and groups once (and the devices' ids when `with_devices`). kDatabase.
  static Result<ImportPlanner> Load(store::DirectoryStore& store, bool with_devices);

  // The row's plan, remembering what it adds for the rows after it. kInvalidArgument,
  // kNotFound or kPermissionDenied with the reason when the row is refused; nothing is then
  // remembered.
  Result<RowPlan> Plan(const ImportRow& row, const ImportOptions& options, const Clock& clock,
                       Random& random);

 private:
  struct KnownUser {
    std::string upn;  // as stored
    bool disabled = false;
  };
  Result<RowPlan> PlanUser(const ImportRow& row, const ImportOptions& options);
  Result<RowPlan> PlanDevice(const ImportRow& row, Random& random);
  Result<RowPlan> PlanMember(const ImportRow& row);
  // The group's name as stored or as this import creates it; a new group goes into `plan`.
  // kNotFound when it does not exist and groups are not created.
  Result<std::string> ResolveGroup(const std::string& name, RowPlan& plan);
  Result<KnownUser> ResolveUser(const std::string& upn, std::string_view what);
  // Remembers what an accepted plan adds.
  void Remember(const RowPlan& plan);

  bool create_groups_ = false;
  int64_t now_ = 0;
  std::unordered_map<std::string, KnownUser> users_;     // FoldCase(upn) ->
  std::unordered_map<std::string, std::string> groups_;  // FoldCase(name) -> name
  std::unordered_set<std::string> devices_;              // ids, lower-case
  bool with_devices_ = false;
  store::DirectoryStore* store_ = nullptr;
};

}  // namespace scepgate::mgmt
