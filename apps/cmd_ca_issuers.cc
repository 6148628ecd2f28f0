// `scepgate ca add-issuer|list-issuers|retire-issuer|reinstate-issuer`: the issuing CAs of a
// deployment whose node groups each sign with their own (option 2 of docs/high-availability.md).
#include <iostream>

#include <algorithm>

#include "ca/ca_dir.h"
#include "ca/extensions.h"
#include "ca/hierarchy.h"
#include "ca/issuer.h"
#include "ca/key_spec.h"
#include "ca/revocation.h"
#include "cli_audit.h"
#include "commands.h"
#include "data_dir.h"
#include "server_pid.h"
#include "views.h"

namespace scepgate::app {
namespace {

struct AddIssuerFlags {
  std::string dir;
  std::string name;
  std::string key;
  std::string root_key;
  std::string out;
};

void AddIssuer(const AddIssuerFlags& f) {
  SystemClock clock;
  SystemRandom random;
  auto data = OrDie(OpenDataDir(f.dir, clock));
  ca::KeySpec spec;
  if (!f.key.empty()) spec = OrDie(ca::ParseKeySpec(f.key));
  // Clients pick a CA certificate by its name (IssuerAndSerial, GetCRL): no two alike.
  for (const auto& known : data->cas->all())
    if (ca::internal::CommonName(*X509_get_subject_name(&known->issuer->cert())) == f.name)
      Die(Error::AlreadyExists("an issuing CA named '" + f.name + "' is known already (" +
                               known->id + ")"));
  nlohmann::json args = {{"name", f.name}, {"out", f.out}};
  auto made =
      ca::CreateSiblingIssuer(f.dir, f.out, f.name, f.key.empty() ? nullptr : &spec, clock.Now(),
                              random, f.root_key, data->config.crl_base_url, data->token.get());
  if (!made) Audited(*data->store, "ca.add_issuer", f.name, args, Result<void>(Fail(made.error())));
  store::IssuerRecord r;
  r.id = scep::CertSha256(*made->cert);
  r.cert_der = OrDie(CertToDer(*made->cert));
  r.name = f.name;
  r.created_at = clock.Now();
  // The current issuing CA of this node is registered by `serve`; make sure it is already.
  OrDie(RegisterOwnIssuers(*data->store, *data->cas, clock.Now()));
  Audited(*data->store, "ca.add_issuer", r.id, args, data->store->RegisterIssuer(r));
  std::cout << "issuing CA '" << f.name << "' created and registered\n"
            << "  id: " << r.id << "\n"
            << "  certificate: " << (std::filesystem::path(f.out) / "issuing.crt").string()
            << (made->uri.empty()
                    ? "\n  key (0600): " + (std::filesystem::path(f.out) / "issuing.key").string()
                    : "\n  key: in the token, " + made->uri)
            << "\nmake a node that signs with it:\n"
            << "  scepgate init --dir NEW --join DSN --from " << f.dir << " --issuer " << f.out
            << "\nthen delete " << f.out << " (the key belongs on that node group only)\n";
}

void ListIssuers(const std::string& dir, bool json) {
  SystemClock clock;
  auto data = OrDie(OpenDataDir(dir, clock));
  auto issuers = OrDie(data->store->ListIssuers());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : issuers) {
    const scep::IssuingCa* here = data->cas->FindById(r.id);
    auto cert = OrDie(CertFromDer(r.cert_der));
    nlohmann::json j = views::CaCertJson(*cert);
    j["id"] = r.id;
    j["name"] = r.name;
    j["active"] = r.active;
    j["created_at"] = views::IsoTime(r.created_at);
    j["key_here"] = here != nullptr && here->issuer->can_sign();
    j["current_here"] = here != nullptr && here->current;
    j["crl_wanted"] = r.crl_wanted;
    j["crl_published"] = r.crl_published;
    j["revoked"] = r.revoked_at != 0;
    if (r.revoked_at != 0) {
      j["revoked_at"] = views::IsoTime(r.revoked_at);
      j["revocation_reason"] = std::string(
          ca::RevocationReasonName(static_cast<ca::RevocationReason>(r.revocation_reason)));
    }
    out.push_back(std::move(j));
  }
  if (json) {
    std::cout << out.dump(2) << "\n";
    return;
  }
  for (const auto& j : out) {
    std::cout << j["id"].get<std::string>().substr(0, 16) << "  "
              << (j["revoked"] == true  ? "revoked"
                  : j["active"] == true ? "active "
                                        : "retired")
              << "  "
              << (j["current_here"] == true ? "signs here  "
                  : j["key_here"] == true   ? "key here    "
                                            : "other nodes ")
              << j["subject"].get<std::string>() << "  (until " << j["not_after"].get<std::string>()
              << ")\n";
  }
}

void SetActive(const std::string& dir, const std::string& id, bool active) {
  SystemClock clock;
  auto data = OrDie(OpenDataDir(dir, clock));
  if (!active && data->cas->current().id == id)
    Die(Error::FailedPrecondition(
        "this node signs with that issuing CA; retire it from a node that does not (or roll "
        "this node over first)"));
  Audited(*data->store, active ? "ca.reinstate_issuer" : "ca.retire_issuer", id, {},
          data->store->SetIssuerActive(id, active));
  std::cout << "issuing CA " << id
            << (active ? " is listed in GetCACert again"
                       : " is retired: no longer listed in GetCACert; "
                         "its certificates stay valid and its CRL is "
                         "still served")
            << "; every node picks this up within [ca] issuer_poll_seconds\n";
}

struct RevokeIssuerFlags {
  std::string dir;
  std::string id;
  std::string reason = "cACompromise";
  std::string root_key;
};

// Revokes an issuing CA through the root's CRL: recorded in the registry (which also retires it
// on every node), then the root's CRL re-signed here, where the root key is.
void RevokeIssuer(const RevokeIssuerFlags& f) {
  SystemClock clock;
  auto data = OrDie(OpenDataDir(f.dir, clock));
  if (!f.root_key.empty()) OrDie(UseRootKey(*data, f.root_key, clock));
  const scep::IssuingCa* root = data->cas->root_ca();
  if (root == nullptr)
    Die(Error::FailedPrecondition(
        "this data dir holds no root certificate (an imported CA): revoke the issuing CA at the "
        "CA that issued it"));
  if (!root->issuer->can_sign())
    Die(Error::FailedPrecondition(
        "the root CA's key is not in this data dir: pass --root-key FILE"));
  if (data->cas->current().id == f.id)
    Die(Error::FailedPrecondition(
        "this node signs with that issuing CA: roll it over first (`scepgate ca rollover`, "
        "`scepgate ca activate`), or revoke it from a node that does not sign with it"));
  auto registry = OrDie(data->store->ListIssuers());
  auto known = std::ranges::find(registry, f.id, &store::IssuerRecord::id);
  if (known == registry.end())
    Die(Error::NotFound("no issuing CA " + f.id +
                        " is registered (see `scepgate ca list-issuers`)"));
  auto cert = OrDie(CertFromDer(known->cert_der));
  if (!ca::IsIssuedBy(*cert, root->issuer->cert()))
    Die(Error::FailedPrecondition("issuing CA " + f.id + " was not issued by this root"));
  ca::RevocationReason reason = OrDie(ca::ParseRevocationReason(f.reason));
  Audited(*data->store, "ca.revoke_issuer", f.id, {{"reason", f.reason}},
          data->store->RevokeIssuer(f.id, static_cast<int>(reason), clock.Now()));
  OrDie(data->crls->Publish(root->id));
  int64_t number = ca::CrlNumber(**CrlFromDer(OrDie(data->crls->Get(root->id))));
  std::cout << "issuing CA " << f.id << " is revoked (" << ca::RevocationReasonName(reason)
            << "): the root's CRL number " << number
            << " lists it (served at /crl/root.crl); every node stops listing it in GetCACert and "
               "refuses renewals signed by its certificates within [ca] issuer_poll_seconds\n";
}

}  // namespace

void AddIssuerCommands(CLI::App& ca) {
  auto revoke = std::make_shared<RevokeIssuerFlags>();
  CLI::App* rev = ca.add_subcommand(
      "revoke-issuer", "revoke an issuing CA (e.g. after a compromise) through the root's CRL");
  AddDirOption(*rev, revoke->dir);
  rev->add_option("id", revoke->id, "the issuing CA's id (ca list-issuers)")->required();
  rev->add_option("--reason", revoke->reason, "RFC 5280 reason (default cACompromise)");
  rev->add_option("--root-key", revoke->root_key,
                  "the root CA's private key, when it is not in this data dir");
  rev->callback([revoke] { RevokeIssuer(*revoke); });

  auto add = std::make_shared<AddIssuerFlags>();
  CLI::App* cmd = ca.add_subcommand(
      "add-issuer",
      "create another issuing CA under this node's root, for a group of nodes that sign with it");
  AddDirOption(*cmd, add->dir);
  cmd->add_option("--name", add->name, "common name of the new issuing CA")->required();
  cmd->add_option("--out", add->out, "directory to write issuing.crt and issuing.key (0600) to")
      ->required();
  cmd->add_option("--key", add->key, "its key (default: the current issuing CA's type)");
  cmd->add_option("--root-key", add->root_key,
                  "the root CA's private key, when it is not in this data dir");
  cmd->callback([add] { AddIssuer(*add); });

  auto dir = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto id = std::make_shared<std::string>();
  CLI::App* list = ca.add_subcommand("list-issuers", "list the issuing CAs of the deployment");
  AddDirOption(*list, *dir);
  list->add_flag("--json", *json, "print JSON");
  list->callback([dir, json] { ListIssuers(*dir, *json); });

  for (bool active : {false, true}) {
    CLI::App* set = ca.add_subcommand(
        active ? "reinstate-issuer" : "retire-issuer",
        active ? "list a retired issuing CA in GetCACert again"
               : "stop listing an issuing CA in GetCACert (its certificates and CRL stay)");
    AddDirOption(*set, *dir);
    set->add_option("id", *id, "the issuing CA's id (ca list-issuers)")->required();
    set->callback([dir, id, active] { SetActive(*dir, *id, active); });
  }
}

}  // namespace scepgate::app
