#include "intune/settings.h"

#include "intune/client_assertion.h"

#include "common/files.h"

namespace scepgate::intune {
namespace {

Status CheckBaseUrl(const std::string& url, std::string_view field) {
  bool scheme = url.starts_with("https://") || url.starts_with("http://");
  if (!scheme || !url.ends_with('/'))
    return Fail(Error::InvalidArgument(std::string(field) +
                                       " must be an http(s) URL ending in '/', not " + url));
  return {};
}

}  // namespace

Status CheckSettings(const IntuneSettings& s) {
  struct Required {
    const std::string& value;
    const char* field;
  };
  for (const Required& r :
       {Required{s.tenant, "tenant"}, Required{s.client_id, "client_id"},
        Required{s.graph_version, "graph_version"}, Required{s.intune_app_id, "intune_app_id"},
        Required{s.intune_resource, "intune_resource"}, Required{s.graph_scope, "graph_scope"},
        Required{s.scep_service, "scep_service"}, Required{s.scep_api_version, "scep_api_version"},
        Required{s.pki_service, "pki_service"}, Required{s.pki_api_version, "pki_api_version"},
        Required{s.provider_name_and_version, "provider_name_and_version"}}) {
    if (r.value.empty())
      return Fail(Error::InvalidArgument(std::string("intune ") + r.field + " must not be empty"));
  }
  bool certificate = !s.client_certificate_pem.empty() || !s.client_key_pem.empty();
  if (certificate && !s.client_secret.empty())
    return Fail(
        Error::InvalidArgument("intune: a client secret or a client certificate, not both"));
  if (!certificate && s.client_secret.empty())
    return Fail(Error::InvalidArgument("intune client_secret must not be empty"));
  if (certificate)
    SG_TRY_STATUS(CheckClientCertificate(s.client_certificate_pem, s.client_key_pem));
  SG_TRY_STATUS(CheckBaseUrl(s.login_base_url, "intune login_base_url"));
  SG_TRY_STATUS(CheckBaseUrl(s.graph_base_url, "intune graph_base_url"));
  if (s.timeout.count() <= 0)
    return Fail(Error::InvalidArgument("intune timeout must be positive"));
  if (s.token_refresh_margin.count() < 0)
    return Fail(Error::InvalidArgument("intune token_refresh_margin must not be negative"));
  return {};
}

Result<std::string> LoadClientSecret(const std::filesystem::path& path) {
  SG_ASSIGN_OR_RETURN(std::string secret, ReadPrivateFile(path));
  if (secret.ends_with('\n')) secret.pop_back();
  if (secret.ends_with('\r')) secret.pop_back();
  if (secret.empty())
    return Fail(Error::InvalidArgument(path.string() + ": the Intune client secret is empty"));
  return secret;
}

}  // namespace scepgate::intune
