// The JSON views live in http/views.h, shared with the REST API (one behaviour, two doors); the
// CLI names them unqualified.
#pragma once

#include "http/views.h"

namespace scepgate::app {

using views::AuditJson;
using views::CaCertJson;
using views::CertificateJson;
using views::DeviceDetailsJson;
using views::DeviceJson;
using views::EventJson;
using views::GroupJson;
using views::GroupNames;
using views::GroupSummaryJson;
using views::IsoTime;
using views::IssuedChallengeJson;
using views::MemberJson;
using views::ProfileDetailsJson;
using views::ProfileJson;
using views::ReportRowJson;
using views::RequestJson;
using views::RetireReportJson;
using views::RevokeReportJson;
using views::TokenJson;
using views::UserDetailsJson;
using views::UserJson;

}  // namespace scepgate::app
