// What the Intune client needs to know: tenant, app registration, base URLs, service names and
// api-versions (docs/intune-protocol.md §1). A plain struct; the config file fills it later.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include "common/error.h"

namespace scepgate::intune {

inline constexpr const char* kScepService = "ScepRequestValidationFEService";
inline constexpr const char* kPkiService = "PkiConnectorFEService";

struct IntuneSettings {
  std::string tenant;         // Entra ID tenant: a GUID or a domain (contoso.onmicrosoft.com)
  std::string client_id;      // the customer's app registration
  std::string client_secret;  // its secret (the value): LoadClientSecret reads it from a file
  // Or, instead of a secret, a certificate of the app registration and its RSA key (PEM): each
  // token is then asked for with a signed assertion (client_assertion.h). Both "" = the secret.
  std::string client_certificate_pem;
  std::string client_key_pem;
  // Ends in '/': the tenant is appended directly, as Microsoft's library does.
  std::string login_base_url = "https://login.microsoftonline.com/";
  std::string graph_base_url = "https://graph.microsoft.com/";  // ends in '/'
  std::string graph_version = "v1.0";
  std::string intune_app_id = "0000000a-0000-0000-c000-000000000000";
  std::string intune_resource = "https://api.manage.microsoft.com/";
  std::string graph_scope = "https://graph.microsoft.com/.default";
  std::string scep_service = kScepService;
  std::string scep_api_version = "2018-02-20";
  std::string pki_service = kPkiService;
  std::string pki_api_version = "5019-05-05";  // sic: what both libraries send
  // Sent as callerInfo in each body and as a header literally named `UserAgent`. The header is
  // where this library is specific: the Java library sends it, the C# one does not.
  std::string provider_name_and_version = "scepgate/0.1";
  // Each HTTP exchange (connect included) ends after this long with kUnavailable.
  std::chrono::seconds timeout{30};
  // A token is fetched again this long before its expires_in runs out (MSAL's margin).
  std::chrono::seconds token_refresh_margin{300};
  // PEM bundle trusted for HTTPS; "" = the system's trust store.
  std::filesystem::path ca_file;

  // The Intune scope: the resource plus "/.default", which gives the documented double slash
  // ("https://api.manage.microsoft.com//.default") and is what the service expects.
  std::string IntuneScope() const { return intune_resource + "/.default"; }
};

// Returns OK when the settings can be used: tenant, client id, provider and the service names
// non-empty; either a secret or a certificate and key (CheckClientCertificate), not both; base
// URLs http(s) and ending in '/', a positive timeout, a margin >= 0.
// kInvalidArgument naming the field otherwise (never quoting the secret). Thread-safe.
Status CheckSettings(const IntuneSettings& settings);

// Reads a client secret from `path`, stripping one trailing newline ("\n" or "\r\n"). Refuses a
// file its group or others may read or write with kFailedPrecondition naming the mode (as
// ReadPrivateFile does); kNotFound / kIo as ReadFile; kInvalidArgument when the secret is
// empty. Never puts the secret in a message. Thread-safe.
Result<std::string> LoadClientSecret(const std::filesystem::path& path);

}  // namespace scepgate::intune
