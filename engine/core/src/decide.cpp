// The WCF decisions: IO, TW/TU/TS, DR, BM, BT, TT and the composed scenario (docs/rules.md
// sections 2-4 and 8-9).
// Everything here is noexcept and allocation-free: answers hold string_views into static text.
#include <array>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "wcfpolicy/decide.hpp"
#include "wcfpolicy/rules/tables.hpp"
#include "wcfpolicy/rules/transport.hpp"

namespace wcfpolicy {
namespace {

using namespace tables;
using namespace std::string_view_literals;  // ternaries of texts: no strlen at run time

// The decisions look rows up through each table's dense index (decision_table.hpp), built here
// at compile time; each index answers every combination of its inputs as the row scan does.
static_assert(index_agrees_with_scan<IO>() && index_agrees_with_scan<TW>() && index_agrees_with_scan<TU>() &&
              index_agrees_with_scan<TS>() && index_agrees_with_scan<DR>() && index_agrees_with_scan<BM>());
static_assert(index_agrees_with_scan<BT>() && index_agrees_with_scan<BT_CREDENTIAL>() &&
              index_agrees_with_scan<TT_HOST>() && index_agrees_with_scan<TT_MECHANISM>() &&
              index_agrees_with_scan<TT_REFUSAL>() && index_agrees_with_scan<TT_PROMOTION>() &&
              index_agrees_with_scan<TT_LEVEL>() && index_agrees_with_scan<TT_REACH>());

// read(field, optional, default): the value a step used, marked when it is the WCF default.
template <class E>
constexpr Read read(std::string_view field, const std::optional<E>& given, E fallback) noexcept {
  return given ? Read{field, name(*given), false} : Read{field, name(fallback), true};
}
constexpr Read read(std::string_view field, const std::optional<bool>& given, bool fallback) noexcept {
  return given ? Read{field, bool_name(*given), false} : Read{field, bool_name(fallback), true};
}
template <class E>
constexpr Read read_given(std::string_view field, const std::optional<E>& given) noexcept {
  if (!given) return Read{field, "not given", false};
  if constexpr (std::is_same_v<E, bool>) {
    return Read{field, bool_name(*given), false};
  } else {
    return Read{field, name(*given), false};
  }
}

// The InputError for a lookup that did not end on one row.
template <class Table>
InputError lookup_error(const Table& table, const std::array<Input, Table::column_count>& inputs,
                        const Match& m) noexcept {
  InputError error;
  if (m.count > 1 && m.missing_column >= 0) {
    const Column& column = table.columns[static_cast<std::size_t>(m.missing_column)];
    error.kind = ErrorKind::missing;
    error.field = column.field;
    error.problem = "missing, and the answer depends on it";
    error.column = &column;
    for (int i = 0; i < m.count && i < static_cast<int>(m.open.size()); ++i) {
      error.candidates.push_back(table.rows[m.open[static_cast<std::size_t>(i)]].id);
    }
    return error;
  }
  error.kind = ErrorKind::not_covered;
  error.problem = "is not covered by the documented rules";
  for (std::size_t c = 0; c < Table::column_count; ++c) {
    const Column& column = table.columns[c];
    bool in_domain = !inputs[c].known;
    for (std::size_t d = 0; d < column.domain_size && !in_domain; ++d) {
      in_domain = column.domain[d] == inputs[c].value;
    }
    if (!in_domain) {
      error.field = column.field;
      error.value = column.value_name(inputs[c].value);
      error.problem = table.code == "TW"   ? "is not in the documented table TW"
                      : table.code == "DR" ? "is not in the documented table DR"
                                           : "is not covered by the documented rules";
      error.column = &column;
      return error;
    }
  }
  error.field = table.columns[0].field;
  return error;
}

// Looks `inputs` up in `table`; on success records the row in `trace` and returns its index.
template <const auto& Table>
std::optional<InputError> look_up(
    const std::array<Input, std::remove_cvref_t<decltype(Table)>::column_count>& inputs,
    std::size_t& row) noexcept {
  const int found = row_of<Table>(inputs);
  if (found < 0) return lookup_error(Table, inputs, match(Table, inputs));
  row = static_cast<std::size_t>(found);
  return std::nullopt;
}

// With Explain::yes, records why each row other than `chosen` was not taken: the first input
// whose value the row does not accept.
template <class Table>
void explain_rows_not_taken(const Table& table, const std::array<Input, Table::column_count>& inputs,
                            int chosen, Trace& trace) noexcept {
  if (trace.explain == Explain::no) return;
  for (std::size_t r = 0; r < Table::row_count; ++r) {
    if (static_cast<int>(r) == chosen) continue;
    for (std::size_t c = 0; c < Table::column_count; ++c) {
      if (!inputs[c].known || table.rows[r].in[c].accepts(inputs[c].value)) continue;
      const Column& column = table.columns[c];
      StepRef step = trace.step(table.rows[r].id, "not taken: the row does not accept this value");
      step.not_taken();
      step.read(Read{column.field, column.value_name(inputs[c].value), false});
      break;
    }
  }
}

constexpr std::string_view outcome_text(ImpersonationOutcome outcome) noexcept {
  switch (outcome) {
    case ImpersonationOutcome::impersonates: return "WCF impersonates the caller for the operation";
    case ImpersonationOutcome::does_not_impersonate: return "WCF does not impersonate the caller";
    case ImpersonationOutcome::invalid_configuration:
      return "not allowed: InvalidOperationException when the service host opens";
  }
  return "";
}

constexpr std::string_view level_text(TokenLevel level) noexcept {
  switch (level) {
    case TokenLevel::None: return "no token";
    case TokenLevel::Anonymous: return "the token is at level Anonymous";
    case TokenLevel::Identification:
      return "the token is at level Identification: the service can read the client's identity "
             "but not act as it";
    case TokenLevel::Impersonation:
      return "the token is at level Impersonation: the service can act as the client on its own "
             "computer";
    case TokenLevel::Delegation:
      return "the token is at level Delegation: the service can act as the client on other "
             "computers too";
  }
  return "";
}

// ---- token level ---------------------------------------------------------------------------

struct TokenInputs {
  std::optional<TokenLevel> allowed;
  std::optional<bool> se_impersonate;
  std::optional<bool> se_tcb;
  std::optional<bool> delegation_capable;
};

// The token level a mechanism gives (TW, TU or TS), recorded in `trace`.
Result<TokenLevel> token_level_for(Mechanism mechanism, const TokenInputs& in, Trace& trace) noexcept {
  std::size_t row = 0;
  switch (mechanism) {
    case Mechanism::cached_token_windows: {
      const std::array inputs{Input::of_optional(in.allowed), Input::of_optional(in.se_impersonate),
                              Input::of_optional(in.delegation_capable)};
      if (auto error = look_up<TW>(inputs, row)) return *error;
      const auto& r = TW.rows[row];
      trace.rule(r.id);
      StepRef step = trace.step(r.id, level_text(r.out));
      step.read(read_given("allowed_impersonation_level", in.allowed));
      step.read(read_given("se_impersonate_privilege", in.se_impersonate));
      step.read(read_given("delegation_capable", in.delegation_capable));
      return r.out;
    }
    case Mechanism::cached_token_username: {
      const std::array inputs{Input::of_optional(in.allowed), Input::of_optional(in.se_impersonate),
                              Input::of_optional(in.delegation_capable)};
      if (auto error = look_up<TU>(inputs, row)) return *error;
      const auto& r = TU.rows[row];
      trace.rule(r.id);
      StepRef step = trace.step(r.id, level_text(r.out));
      step.read(read_given("se_impersonate_privilege", in.se_impersonate));
      step.read(read_given("delegation_capable", in.delegation_capable));
      return r.out;
    }
    case Mechanism::s4u: {
      const std::array inputs{Input::of_optional(in.se_tcb), Input::of_optional(in.se_impersonate),
                              Input::of_optional(in.delegation_capable)};
      if (auto error = look_up<TS>(inputs, row)) return *error;
      const auto& r = TS.rows[row];
      trace.rule(r.id);
      StepRef step = trace.step(r.id, level_text(r.out));
      step.read(read_given("se_tcb_privilege", in.se_tcb));
      step.read(read_given("se_impersonate_privilege", in.se_impersonate));
      step.read(read_given("delegation_capable", in.delegation_capable));
      return r.out;
    }
    case Mechanism::none: break;
  }
  InputError error;
  error.kind = ErrorKind::not_covered;
  error.field = "mechanism";
  error.value = name(mechanism);
  error.problem = "gives no token: impersonation needs a Windows identity";
  error.allowed = "cached_token_windows, cached_token_username, s4u";
  return error;
}

// ---- delegation reach ----------------------------------------------------------------------

// The reach of `level` by DR, recorded in `trace`: the row's reach, or nullptr for a level below
// Identification, which DR does not document (it delegates nowhere). A pointer into the table, not
// a small struct of flags: returned in a register, it is read back without a stall.
const Reach* reach_for(TokenLevel level, Trace& trace) noexcept {
  const int found = row_of<DR>({Input::of(level)});
  if (found >= 0) {
    const auto& r = DR.rows[static_cast<std::size_t>(found)];
    trace.rule(r.id);
    StepRef step = trace.step(
        r.id, r.out.cross_machine   ? "delegation reaches other processes and other computers"sv
              : r.out.cross_process ? "delegation reaches other processes on the same computer only"sv
                                    : "no delegation: not across processes, not across computers"sv);
    step.read(Read{"token_level", name(level), false});
    return &r.out;
  }
  StepRef step = trace.step("DR", "derived, not documented: a token below Identification delegates nowhere");
  step.read(Read{"token_level", name(level), false});
  return nullptr;
}

// ---- mechanism: sections 3-4 (table BM) ------------------------------------------------------

bool credential_maps_to_windows(const ScenarioRequest& r, CredentialType presented) noexcept {
  switch (presented) {
    case CredentialType::Windows: return true;
    case CredentialType::UserName:
      return r.username_validation_mode.value_or(UsernameValidationMode::Windows) ==
             UsernameValidationMode::Windows;
    case CredentialType::Certificate: return r.map_client_certificate_to_windows_account.value_or(false);
    case CredentialType::None:
    case CredentialType::Basic:
    case CredentialType::Digest:
    case CredentialType::Ntlm:
    case CredentialType::InheritedFromHost:
    case CredentialType::IssuedToken: return false;
  }
  return false;
}

// The mechanism of sections 3-4: table BM, read for `bm_binding` (the seed's binding the request's
// binding is answered as, docs/rules.md 9.1) and, for BasicHttpBinding, its security mode
// `bm_mode`.
Result<Mechanism> seed_mechanism(const ScenarioRequest& r, Binding bm_binding, SecurityMode bm_mode,
                                 Trace& trace) noexcept {
  const Binding binding = *r.binding;
  const CredentialType presented = *r.client_credential_type;
  const bool basic = bm_binding == Binding::BasicHttpBinding;

  if (!credential_maps_to_windows(r, presented)) {
    StepRef step = trace.step("BM",
                              "the client credential cannot be mapped to a Windows account: "
                              "no impersonation mechanism (only identity flow as data)");
    step.read(Read{"client_credential_type", name(presented), false});
    if (presented == CredentialType::Certificate) {
      step.read(read("map_client_certificate_to_windows_account", r.map_client_certificate_to_windows_account,
                     false));
    } else if (presented == CredentialType::UserName) {
      step.read(
          read("username_validation_mode", r.username_validation_mode, UsernameValidationMode::Windows));
    }
    return Mechanism::none;
  }

  const BindingSecurityMode binding_mode =
      basic ? static_cast<BindingSecurityMode>(bm_mode) : BindingSecurityMode::other_binding;
  const SecureConversationState conversation = !r.secure_conversation ? SecureConversationState::absent
                                               : r.secure_conversation->require_cancellation
                                                   ? SecureConversationState::require_cancellation_true
                                                   : SecureConversationState::require_cancellation_false;
  const std::array inputs{Input::of(bm_binding), Input::of(presented), Input::of(binding_mode),
                          Input::of_optional(r.require_cancellation), Input::of(conversation)};
  const int found = row_of<BM>(inputs);
  explain_rows_not_taken(BM, inputs, found, trace);
  if (found >= 0) {
    const auto& row = BM.rows[static_cast<std::size_t>(found)];
    trace.rule(row.id);
    StepRef step = trace.step(row.id, row.out == Mechanism::s4u ? "S4U-based impersonation"sv
                                      : row.out == Mechanism::cached_token_windows
                                          ? "cached token from the client's Windows credential"sv
                                          : "cached token from the client's user name credential"sv);
    step.read(Read{"binding", name(binding), false});
    step.read(Read{"client_credential_type", name(presented), false});
    if (basic) step.read(read("security_mode", r.security_mode, bm_mode));
    if (binding == Binding::CustomBinding) {
      step.read(read_given("require_cancellation", r.require_cancellation));
      step.read(Read{"secure_conversation", name(conversation), false});
    }
    return row.out;
  }
  const Match m = match(BM, inputs);
  InputError error = lookup_error(BM, inputs, m);
  if (m.count == 0) {
    error.field = "client_credential_type";
    error.value = name(presented);
    error.problem =
        "with this binding is not covered by the documented rules BM-1..BM-7 "
        "(see `policy-eval tables BM`)";
    error.column = nullptr;
    error.context.push_back(Read{"binding", name(binding), false});
    if (basic) error.context.push_back(read("security_mode", r.security_mode, bm_mode));
  }
  return error;
}

InputError missing(std::string_view field, std::string_view problem, std::string_view allowed) noexcept {
  InputError error;
  error.kind = ErrorKind::missing;
  error.field = field;
  error.problem = problem;
  error.allowed = allowed;
  return error;
}

InputError not_covered(std::string_view field, std::string_view value, std::string_view problem,
                       std::string_view allowed = {}) noexcept {
  InputError error;
  error.kind = ErrorKind::not_covered;
  error.field = field;
  error.value = value;
  error.problem = problem;
  error.allowed = allowed;
  return error;
}

constexpr std::string_view kAllBindings =
    "BasicHttpBinding, WSHttpBinding, WSDualHttpBinding, NetTcpBinding, CustomBinding, BasicHttpsBinding, "
    "BasicHttpContextBinding, NetHttpBinding, NetHttpsBinding, WebHttpBinding, WS2007HttpBinding, "
    "WSHttpContextBinding, NetTcpContextBinding, NetNamedPipeBinding, NetMsmqBinding, "
    "MsmqIntegrationBinding, "
    "NetPeerTcpBinding, UdpBinding, WSFederationHttpBinding, WS2007FederationHttpBinding";

// ---- mechanism: BT, then TT stage 1 (docs/rules.md 8.1 steps 1-2) ---------------------------

// What BT and TT stage 1 chose, and what the later stages need of it.
struct Selection {
  Mechanism mechanism = Mechanism::none;
  BtRoute route = BtRoute::seed_rules;
  BindingFamily family = BindingFamily::Custom;
  std::string_view bt_row;
  // Set when BT finds the configuration invalid (BT-3, BT-8): the evaluation ends there.
  const BtCredentialOutcome* invalid = nullptr;
  std::string_view invalid_row;
  // Transport security (a TT row decided the mechanism).
  bool transport = false;
  TransportScheme scheme = TransportScheme::Anonymous;
  bool ntlm = false;
  std::string_view tt_row;
};

constexpr std::string_view mechanism_text(Mechanism mechanism) noexcept {
  switch (mechanism) {
    case Mechanism::cached_token_windows: return "cached token from the client's Windows logon (SSPI)";
    case Mechanism::cached_token_username:
      return "cached token: the service logs the Basic user on with the password it received";
    case Mechanism::s4u: return "S4U-based impersonation from the mapped client certificate";
    case Mechanism::none: break;
  }
  return "no Windows identity: no impersonation mechanism";
}

// TT-6: the credential InheritedFromHost stands for.
Result<CredentialType> inherited_from_host(const ScenarioRequest& r, Trace& trace) noexcept {
  if (!r.host_authentication_schemes) {
    InputError error =
        missing("host_authentication_schemes",
                "missing; InheritedFromHost takes the authentication schemes the IIS host enables "
                "(TT-6)",
                "an array of Anonymous, Basic, Digest, Ntlm, Negotiate");
    error.context.push_back(Read{"client_credential_type", "InheritedFromHost", false});
    return error;
  }
  const HostAuthenticationSchemeSet set = *r.host_authentication_schemes;
  const auto has = [set](HostAuthenticationScheme s) noexcept {
    return Input::of(((set >> static_cast<unsigned>(s)) & 1u) != 0);
  };
  const int found =
      row_of<TT_HOST>({has(HostAuthenticationScheme::Anonymous), has(HostAuthenticationScheme::Basic),
                       has(HostAuthenticationScheme::Digest), has(HostAuthenticationScheme::Ntlm),
                       has(HostAuthenticationScheme::Negotiate)});
  if (found < 0) {
    return not_covered(
        "host_authentication_schemes", "",
        "names a set of host schemes that is not covered by the documented rules (TT-6 takes a set "
        "with Anonymous; exactly Basic, exactly Digest or exactly Ntlm; Negotiate alone or with "
        "Ntlm)",
        "an array of Anonymous, Basic, Digest, Ntlm, Negotiate");
  }
  const auto& row = TT_HOST.rows[static_cast<std::size_t>(found)];
  trace.rule("TT-6");
  StepRef step = trace.step("TT-6",
                            "InheritedFromHost: the IIS host's authentication schemes select the "
                            "credential the transport uses");
  step.read(Read{"host_authentication_schemes", row.id.substr(5), false});
  step.read(Read{"client_credential_type", name(row.out), false});
  return row.out;
}

// TT stage 1: the scheme and the mechanism.
Result<Selection> transport_mechanism(const ScenarioRequest& r, const FamilyFacts& facts,
                                      std::optional<CredentialType> credential, Selection selection,
                                      Trace& trace) noexcept {
  selection.transport = true;
  CredentialType effective = credential.value_or(CredentialType::Windows);  // a named pipe has none to set
  if (facts.transport == TransportKind::http && effective == CredentialType::InheritedFromHost) {
    Result<CredentialType> inherited = inherited_from_host(r, trace);
    if (!inherited) return inherited.error();
    effective = inherited.value();
  }
  const std::optional<TransportScheme> scheme = scheme_of(facts.transport, effective);
  if (!scheme) {  // the credential check of BT keeps this from happening
    return not_covered("client_credential_type", name(effective), "is not a credential this transport takes");
  }
  selection.scheme = *scheme;
  const bool kerberos = r.kerberos.value_or(true);
  selection.ntlm = is_ntlm(*scheme, kerberos);
  const UsernameValidationMode validation =
      r.username_validation_mode.value_or(UsernameValidationMode::Windows);
  const bool mapped = r.map_client_certificate_to_windows_account.value_or(false);
  const int found = row_of<TT_MECHANISM>({Input::of(*scheme), Input::of(validation), Input::of(mapped)});
  const auto& row = TT_MECHANISM.rows[static_cast<std::size_t>(found)];  // one row: tables proof
  selection.mechanism = row.out;
  selection.tt_row = row.id;
  trace.rule(row.id);
  StepRef step = trace.step(row.id, mechanism_text(row.out));
  step.read(Read{"transport scheme", name(*scheme), false});
  if (facts.transport != TransportKind::named_pipe)
    step.read(Read{"client_credential_type", name(effective), false});
  if (*scheme == TransportScheme::Basic) {
    step.read(read("username_validation_mode", r.username_validation_mode, UsernameValidationMode::Windows));
  }
  if (*scheme == TransportScheme::ClientCertificate) {
    step.read(read("map_client_certificate_to_windows_account", r.map_client_certificate_to_windows_account,
                   false));
  }
  if (*scheme == TransportScheme::Negotiate || *scheme == TransportScheme::NegotiateStream) {
    step.read(read("kerberos", r.kerberos, true));
  }
  return selection;
}

// BT (docs/rules.md 9.2), then the mechanism: TT stage 1, or sections 3-4.
Result<Selection> select_mechanism(const ScenarioRequest& r, Trace& trace) noexcept {
  if (!r.binding) return missing("binding", "missing; the mechanism depends on it", kAllBindings);
  const Binding binding = *r.binding;
  Selection selection;
  selection.family = family_of(binding);
  const FamilyFacts& facts = FAMILIES[static_cast<std::size_t>(selection.family)];

  // The security mode, checked per family, with .NET's default (NetTcp: absent is BT-10).
  BtSecurityMode mode = BtSecurityMode::absent;
  Read mode_read{"security_mode", "not read", false};
  if (facts.reads_security_mode) {
    if (r.security_mode) {
      if (!takes_mode(facts, *r.security_mode)) {
        InputError error = not_covered("security_mode", name(*r.security_mode),
                                       "is not a security mode this binding takes", facts.modes_text);
        error.context.push_back(Read{"binding", name(binding), false});
        return error;
      }
      mode = static_cast<BtSecurityMode>(*r.security_mode);
      mode_read = Read{"security_mode", name(*r.security_mode), false};
    } else if (selection.family == BindingFamily::NetTcp) {
      mode_read = Read{"security_mode", "absent", false};
    } else {
      mode = static_cast<BtSecurityMode>(facts.default_mode);
      mode_read = Read{"security_mode", name(facts.default_mode), true};
    }
  }
  const int bt = row_of<BT>({Input::of(selection.family), Input::of(mode)});
  const auto& row = BT.rows[static_cast<std::size_t>(bt)];  // one row: tables proof
  selection.bt_row = row.id;
  selection.route = row.out.route;
  {
    StepRef step = trace.step(row.id, row.out.text);
    step.read(Read{"binding", name(binding), false});
    step.read(mode_read);
  }
  if (row.out.route == BtRoute::not_covered) {
    InputError error =
        not_covered("binding", name(binding),
                    selection.family == BindingFamily::WSFederationHttp
                        ? "is not covered by the documented rules (BT-11): issued tokens (federation)"
                        : "is not covered by the documented rules in this security mode (BT-11): "
                          "message security over a queue");
    if (selection.family != BindingFamily::WSFederationHttp) error.context.push_back(mode_read);
    return error;
  }

  // The credential of the layer the row reads.
  const CredentialEnum* layer = nullptr;
  switch (row.out.layer) {
    case CredentialLayer::none: break;
    case CredentialLayer::transport: layer = facts.transport_credential; break;
    case CredentialLayer::message: layer = facts.message_credential; break;
    case CredentialLayer::seed: layer = &credentials::kSeed; break;
  }
  std::optional<CredentialType> credential;
  if (layer != nullptr) {
    if (!r.client_credential_type) {
      InputError error =
          missing("client_credential_type", "missing; the mechanism depends on it", layer->allowed);
      error.context.push_back(Read{"binding", name(binding), false});
      if (facts.reads_security_mode) error.context.push_back(mode_read);
      return error;
    }
    credential = *r.client_credential_type;
    if (!takes_credential(*layer, *credential)) {
      InputError error =
          not_covered("client_credential_type", name(*credential), layer->problem, layer->allowed);
      error.context.push_back(Read{"binding", name(binding), false});
      if (facts.reads_security_mode) error.context.push_back(mode_read);
      return error;
    }
    const int refused =
        row_of<BT_CREDENTIAL>({Input::of(selection.family), Input::of(mode), Input::of(*credential)});
    if (refused >= 0) {
      const auto& refusal = BT_CREDENTIAL.rows[static_cast<std::size_t>(refused)];
      if (refusal.out.status != ScenarioStatus::invalid_configuration) {
        InputError error =
            not_covered("client_credential_type", name(*credential),
                        "is not covered by the documented rules (BT-11): issued tokens (federation)");
        error.context.push_back(Read{"binding", name(binding), false});
        return error;
      }
      selection.invalid = &refusal.out;
      selection.invalid_row = refusal.id;
      StepRef step = trace.step(refusal.id,
                                "invalid configuration: the binding fails when it is built, so the "
                                "service host does not open");
      step.read(Read{"binding", name(binding), false});
      step.read(mode_read);
      step.read(Read{"client_credential_type", name(*credential), false});
      return selection;
    }
  }

  switch (row.out.route) {
    case BtRoute::no_client_identity:
      trace.rule(row.id);
      selection.mechanism = Mechanism::none;
      return selection;
    case BtRoute::transport:
      trace.rule(row.id);
      return transport_mechanism(r, facts, credential, selection, trace);
    case BtRoute::basic_http_message:
      if (*credential == CredentialType::Certificate) {
        const bool mapped = r.map_client_certificate_to_windows_account.value_or(false);
        StepRef step =
            trace.step(row.id, mapped ? "a client certificate mapped to a Windows account: S4U (the "
                                        "authenticator of BM-5 and TT-4)"sv
                                      : "an unmapped client certificate: no Windows identity"sv);
        step.read(read("map_client_certificate_to_windows_account",
                       r.map_client_certificate_to_windows_account, false));
        if (mapped) trace.rule(row.id);
        selection.mechanism = mapped ? Mechanism::s4u : Mechanism::none;
        return selection;
      } else {
        Result<Mechanism> mechanism =
            seed_mechanism(r, Binding::BasicHttpBinding, SecurityMode::TransportWithMessageCredential, trace);
        if (!mechanism) return mechanism.error();
        selection.mechanism = mechanism.value();
        return selection;
      }
    case BtRoute::seed_rules: {
      Result<Mechanism> mechanism = seed_mechanism(
          r, SEED_BINDING[static_cast<std::size_t>(selection.family)], SecurityMode::None, trace);
      if (!mechanism) return mechanism.error();
      selection.mechanism = mechanism.value();
      return selection;
    }
    case BtRoute::not_covered: break;
  }
  return selection;
}

}  // namespace

// ---- the questions -------------------------------------------------------------------------

std::string_view version() noexcept { return WCFPOLICY_VERSION; }

void result_misuse(const char* what) noexcept {
  std::fputs(what, stderr);
  std::fputc('\n', stderr);
  std::abort();
}

Result<ImpersonationAnswer> decide_impersonation(const ImpersonationRequest& request,
                                                 Explain explain) noexcept {
  const std::array inputs{Input::of_optional(request.impersonation_option),
                          Input::of_optional(request.impersonate_caller_for_all_operations)};
  std::size_t index = 0;
  Result<ImpersonationAnswer> result(std::in_place);  // built in place: every return returns it
  if (auto error = look_up<IO>(inputs, index)) {
    result = *error;
    return result;
  }
  const auto& row = IO.rows[index];
  ImpersonationAnswer& answer = result.value();
  answer.trace.explain = explain;
  answer.outcome = row.out;
  answer.trace.rule(row.id);
  StepRef step = answer.trace.step(row.id, outcome_text(row.out));
  step.read(read_given("impersonation_option", request.impersonation_option));
  step.read(
      read_given("impersonate_caller_for_all_operations", request.impersonate_caller_for_all_operations));
  if (row.out == ImpersonationOutcome::invalid_configuration) {
    answer.trace.finding(row.id, Severity::error, kIo5Message);
  }
  return result;
}

Result<TokenLevelAnswer> decide_token_level(const TokenLevelRequest& request, Explain explain) noexcept {
  Result<TokenLevelAnswer> result(std::in_place);  // built in place: every return returns it
  if (!request.mechanism) {
    result = missing("mechanism", "missing; the token level depends on the mechanism",
                     "cached_token_windows, cached_token_username, s4u");
    return result;
  }
  TokenLevelAnswer& answer = result.value();
  answer.trace.explain = explain;
  const TokenInputs inputs{request.allowed_impersonation_level, request.se_impersonate_privilege,
                           request.se_tcb_privilege, request.delegation_capable};
  Result<TokenLevel> level = token_level_for(*request.mechanism, inputs, answer.trace);
  if (!level) {
    result = level.error();
    return result;
  }
  answer.token_level = level.value();
  return result;
}

Result<DelegationReachAnswer> decide_delegation_reach(const DelegationReachRequest& request,
                                                      Explain explain) noexcept {
  Result<DelegationReachAnswer> result(std::in_place);  // built in place: every return returns it
  if (!request.token_level) {
    result = missing("token_level", "missing; the reach depends on the token level",
                     "None, Anonymous, Identification, Impersonation, Delegation");
    return result;
  }
  DelegationReachAnswer& answer = result.value();
  answer.trace.explain = explain;
  const Reach* reach = reach_for(*request.token_level, answer.trace);
  answer.cross_process = reach != nullptr && reach->cross_process;
  answer.cross_machine = reach != nullptr && reach->cross_machine;
  answer.documented = reach != nullptr;
  return result;
}

Result<MechanismAnswer> decide_mechanism(const ScenarioRequest& r, Explain explain) noexcept {
  Result<MechanismAnswer> result(std::in_place);  // built in place: every return returns it
  MechanismAnswer& answer = result.value();
  answer.trace.explain = explain;
  Result<Selection> selection = select_mechanism(r, answer.trace);
  if (!selection) {
    result = selection.error();
    return result;
  }
  answer.mechanism = selection.value().mechanism;
  return result;
}

namespace {

constexpr std::string_view kP1HostOpens =
    "The operation impersonates, but the caller cannot be mapped to a Windows account: the operation is not "
    "run "
    "and the call is rejected (.NET Framework already reports this when the service host opens).";
constexpr std::string_view kP1PerCall =
    "The operation impersonates, but the caller cannot be mapped to a Windows account: the operation is not "
    "run "
    "and the call is rejected when it arrives (a custom-validated Basic user name or an unmapped certificate "
    "is "
    "found only per call).";
constexpr std::string_view kP1Imperative =
    "The operation impersonates imperatively, but the caller cannot be mapped to a Windows account: "
    "ServiceSecurityContext.WindowsIdentity is null and the operation throws InvalidOperationException.";
constexpr std::string_view kP4Transport =
    "AllowedImpersonationLevel Anonymous logs the client on anonymously; on transport security the service "
    "never admits it, whatever allowAnonymousLogons says (TT-11).";
constexpr std::string_view kP7 =
    "Delegating to another computer needs Kerberos (multi-leg SSPI without NTLM fallback, or Kerberos "
    "directly) "
    "and a domain policy that allows delegation.";
constexpr std::string_view kP7Digest =
    "Digest authentication reached a Delegation-level token, but delegating to another computer needs "
    "Kerberos "
    "(multi-leg SSPI without NTLM fallback, or Kerberos directly) and a domain policy that allows "
    "delegation: "
    "check that the back-end call does not depend on it.";
constexpr std::string_view kP7Ntlm =
    "The client authenticated with NTLM, which never delegates to another computer (TT-19): a remote "
    "back-end "
    "needs Kerberos (multi-leg SSPI without NTLM fallback, or Kerberos directly).";

// The level rows of TT stage 3 (TT-13 first), then TW.
Result<TokenLevel> transport_token_level(const ScenarioRequest& r, const Selection& selection,
                                         bool same_machine, Trace& trace) noexcept {
  const TokenLevel allowed = r.allowed_impersonation_level.value_or(TokenLevel::Identification);
  TokenLevel level = allowed;
  const int promoted =
      row_of<TT_PROMOTION>({Input::of(selection.scheme), Input::of(allowed), Input::of(same_machine)});
  if (promoted >= 0) {
    const auto& row = TT_PROMOTION.rows[static_cast<std::size_t>(promoted)];
    level = row.out;
    trace.rule(row.id);
    StepRef step = trace.step(row.id,
                              "an anonymous client on another computer is promoted to Identification (the "
                              "documentation; a .NET client refuses Anonymous instead)");
    step.read(Read{"allowed_impersonation_level", name(allowed), false});
    step.read(Read{"client_on_same_machine", "false", !r.client_on_same_machine.has_value()});
  }
  const int found = row_of<TT_LEVEL>(
      {Input::of(selection.scheme), Input::of(selection.ntlm), Input::of(level), Input::of(same_machine)});
  if (found < 0) {
    InputError error = not_covered("allowed_impersonation_level", name(level),
                                   "is not covered by the documented rules on this transport (TT-14..TT-18)");
    error.context.push_back(Read{"transport scheme", name(selection.scheme), false});
    return error;
  }
  const auto& row = TT_LEVEL.rows[static_cast<std::size_t>(found)];
  trace.rule(row.id);
  {
    StepRef step =
        trace.step(row.id, row.out == LevelRule::tw_not_delegation_capable
                               ? "NTLM cannot delegate: TW-7/TW-8 with delegation-capable read as no"sv
                               : "the level comes from TW-3..TW-8 on the client's level"sv);
    step.read(Read{"transport scheme", name(selection.scheme), false});
    if (selection.scheme == TransportScheme::Negotiate ||
        selection.scheme == TransportScheme::NegotiateStream) {
      step.read(read("kerberos", r.kerberos, true));
    }
    step.read(Read{"allowed_impersonation_level", name(level), false});
    if (row.out == LevelRule::tw_not_delegation_capable) {
      step.read(Read{"client_on_same_machine", "false", !r.client_on_same_machine.has_value()});
    }
  }
  const TokenInputs inputs{
      level, (r.service_privileges & kSeImpersonate) != 0, (r.service_privileges & kSeTcb) != 0,
      row.out == LevelRule::tw_not_delegation_capable ? std::optional<bool>(false) : r.delegation_capable};
  return token_level_for(Mechanism::cached_token_windows, inputs, trace);
}

}  // namespace

Result<ScenarioAnswer> decide_scenario(const ScenarioRequest& r, Explain explain) noexcept {
  // The answer is built where it is returned from (every return returns `result`): an answer
  // holds its trace inline, and copying it out was a good part of the time of a scenario.
  Result<ScenarioAnswer> result(std::in_place);
  ScenarioAnswer& answer = result.value();
  answer.trace.explain = explain;
  Trace& trace = answer.trace;

  // 1-2. BT, then the mechanism: TT stage 1, or sections 3-4 (BM).
  Result<Selection> selected = select_mechanism(r, trace);
  if (!selected) {
    result = selected.error();
    return result;
  }
  const Selection& selection = selected.value();
  answer.mechanism = selection.mechanism;
  const Backend backend = r.backend.value_or(Backend::none);
  if (backend != Backend::none) answer.backend_reachable = false;
  if (selection.invalid != nullptr) {
    answer.status = ScenarioStatus::invalid_configuration;
    trace.finding(selection.invalid_row, Severity::error, selection.invalid->message);
    return result;
  }
  // Message security is where sections 3-4 apply whole (P-2, P-3, P-4's test); BT-1 has no
  // security and transport security makes no security context token (docs/rules.md 8.1).
  const bool message_security =
      selection.route == BtRoute::seed_rules || selection.route == BtRoute::basic_http_message;

  // 3. Whether WCF impersonates (IO), with the WCF defaults.
  const ImpersonationOption option = r.impersonation_option.value_or(ImpersonationOption::NotAllowed);
  const bool for_all = r.impersonate_caller_for_all_operations.value_or(false);
  const int io = row_of<IO>({Input::of(option), Input::of(for_all)});
  const auto& io_row = IO.rows[static_cast<std::size_t>(io)];  // one row: tables proof
  trace.rule(io_row.id);
  {
    StepRef step = trace.step(io_row.id, outcome_text(io_row.out));
    step.read(read("impersonation_option", r.impersonation_option, ImpersonationOption::NotAllowed));
    step.read(read("impersonate_caller_for_all_operations", r.impersonate_caller_for_all_operations, false));
  }
  if (io_row.out == ImpersonationOutcome::invalid_configuration) {
    answer.status = ScenarioStatus::invalid_configuration;
    trace.finding(io_row.id, Severity::error, kIo5Message);
    return result;
  }
  const bool wants_to_impersonate = io_row.out == ImpersonationOutcome::impersonates;
  const auto reject = [&](std::string_view rule, std::string_view message) noexcept {
    answer.status = ScenarioStatus::call_rejected;
    trace.finding(rule, Severity::error, message);
  };
  const TokenLevel allowed = r.allowed_impersonation_level.value_or(TokenLevel::Identification);
  const bool same_machine = r.client_on_same_machine.value_or(selection.transport &&
                                                              selection.scheme == TransportScheme::NamedPipe);

  // 4. TT stage 2: refusals, first match.
  if (selection.transport && selection.mechanism == Mechanism::cached_token_windows) {
    const bool allow_ntlm = r.allow_ntlm.value_or(true);
    const bool explicit_credentials = r.explicit_credentials.value_or(false);
    const int refused = first_row_of<TT_REFUSAL>({Input::of(selection.scheme), Input::of(selection.ntlm),
                                                  Input::of(allow_ntlm), Input::of(explicit_credentials),
                                                  Input::of(allowed), Input::of(same_machine)});
    if (refused >= 0) {
      const auto& row = TT_REFUSAL.rows[static_cast<std::size_t>(refused)];
      StepRef step = trace.step(row.id, row.out.when);
      step.read(Read{"transport scheme", name(selection.scheme), false});
      const auto& cells = row.in;
      if (!cells[1].is_any()) step.read(read("kerberos", r.kerberos, true));
      if (!cells[2].is_any()) step.read(read("allow_ntlm", r.allow_ntlm, true));
      if (!cells[3].is_any()) step.read(read("explicit_credentials", r.explicit_credentials, false));
      if (!cells[4].is_any()) {
        step.read(
            read("allowed_impersonation_level", r.allowed_impersonation_level, TokenLevel::Identification));
      }
      if (!cells[5].is_any()) {
        step.read(Read{"client_on_same_machine", bool_name(same_machine), !r.client_on_same_machine});
      }
      reject(row.id, row.out.message);
      if (row.id == "TT-11") trace.finding("P-4", Severity::error, kP4Transport);
    }
  }

  // P-4 on message security: an anonymous Windows logon needs the service to allow anonymous logons.
  const CredentialType credential = r.client_credential_type.value_or(CredentialType::None);
  if (message_security && credential == CredentialType::Windows && allowed == TokenLevel::Anonymous) {
    StepRef step = trace.step("P-4", "the client logs on anonymously");
    step.read(Read{"allowed_impersonation_level", name(allowed), false});
    step.read(read("allow_anonymous_logons", r.allow_anonymous_logons, false));
    if (!r.allow_anonymous_logons.value_or(false)) {
      reject("P-4",
             "AllowedImpersonationLevel Anonymous logs the client on anonymously, and the "
             "service does not allow anonymous logons: the call is rejected (set "
             "allowAnonymousLogons on the service's windowsAuthentication).");
    } else {
      trace.finding("P-4", Severity::info,
                    "The client logs on anonymously (AllowedImpersonationLevel Anonymous); the "
                    "service allows anonymous logons.");
    }
  }

  // 5. P-1: impersonation needs a Windows identity.
  const ImperativeImpersonation imperative =
      r.imperative_impersonation.value_or(ImperativeImpersonation::none);
  if (answer.mechanism == Mechanism::none &&
      (wants_to_impersonate || imperative != ImperativeImpersonation::none)) {
    const bool per_call = selection.tt_row == "TT-3" || selection.tt_row == "TT-5";
    trace.step("P-1",
               !wants_to_impersonate ? "impersonation needs a Windows identity and the caller has none"sv
               : per_call ? "impersonation needs a Windows identity and the caller has none: the call is "
                            "rejected when it arrives"sv
               : selection.transport || selection.route == BtRoute::no_client_identity
                   ? "impersonation needs a Windows identity and the binding supplies none: .NET reports it "
                     "when the service host opens (BindingDoesNotSupportWindowsIdenityForImpersonation)"sv
                   : "impersonation needs a Windows identity and the caller has none"sv);
    reject("P-1", !wants_to_impersonate ? kP1Imperative : per_call ? kP1PerCall : kP1HostOpens);
  }

  // P-2 and P-3: stateful security context tokens (message security only).
  const bool stateful = r.stateful_security_context.value_or(false);
  if (message_security && wants_to_impersonate && stateful && r.client_on_same_machine.value_or(false) &&
      r.client_account.value_or(ClientAccount::user) != ClientAccount::user) {
    StepRef step = trace.step("P-2",
                              "a system-account client on the same computer with a stateful "
                              "secure session cannot be impersonated");
    step.read(read("client_account", r.client_account, ClientAccount::user));
    step.read(read("client_on_same_machine", r.client_on_same_machine, false));
    step.read(read("stateful_security_context", r.stateful_security_context, false));
    reject("P-2",
           "The client runs as a system account on the service's computer and the secure "
           "session uses stateful security context tokens: the client cannot be "
           "impersonated (use stateless tokens, the default of system-provided bindings).");
  }
  if (message_security && wants_to_impersonate && stateful && r.service_on_windows_xp.value_or(false)) {
    StepRef step = trace.step("P-3", "on Windows XP a stateful security context token breaks impersonation");
    step.read(read("service_on_windows_xp", r.service_on_windows_xp, false));
    step.read(read("stateful_security_context", r.stateful_security_context, false));
    reject("P-3",
           "On Windows XP, impersonation fails with InvalidOperationException when a "
           "stateful security context token is created.");
  }

  // 6. The token the service obtains: TT stage 3 on transport, else TW, TU or TS.
  if (answer.status == ScenarioStatus::ok && answer.mechanism != Mechanism::none) {
    Result<TokenLevel> level = TokenLevel::None;
    if (selection.transport && answer.mechanism == Mechanism::cached_token_windows) {
      level = transport_token_level(r, selection, same_machine, trace);
    } else {
      const TokenInputs inputs{allowed, (r.service_privileges & kSeImpersonate) != 0,
                               (r.service_privileges & kSeTcb) != 0, r.delegation_capable};
      level = token_level_for(answer.mechanism, inputs, trace);
    }
    if (!level) {
      result = level.error();
      return result;
    }
    answer.token_level = level.value();
  }
  answer.impersonates = answer.status == ScenarioStatus::ok && wants_to_impersonate;

  // P-5 and P-6: warnings about whose credentials the code runs with.
  if (io_row.out == ImpersonationOutcome::does_not_impersonate && option == ImpersonationOption::Allowed) {
    trace.finding("P-5", Severity::warning,
                  "ImpersonationOption is Allowed but WCF does not impersonate: the operation runs "
                  "with the service's credentials, which may be more privileged than the client's "
                  "(elevation risk).");
  }
  if (imperative == ImperativeImpersonation::not_reverted) {
    trace.finding("P-6", Severity::warning,
                  "Imperative impersonation is not reverted: wrap WindowsIdentity.Impersonate() in "
                  "a using block, or denial of service and elevation of privilege are possible.");
  }

  // 7. The back-end: TT-19 for NTLM, else DR, with the prose rules about delegation.
  if (backend == Backend::none) return result;
  const bool remote = backend == Backend::remote_machine;
  if (!answer.impersonates || !answer.token_level) {
    StepRef step = trace.step(io_row.id, "the back-end call does not run as the client");
    step.read(Read{"backend", name(backend), false});
    return result;
  }
  if (selection.transport && answer.mechanism == Mechanism::cached_token_windows) {
    const int narrowed = row_of<TT_REACH>({Input::of(selection.ntlm), Input::of(backend)});
    if (narrowed >= 0) {
      const auto& row = TT_REACH.rows[static_cast<std::size_t>(narrowed)];
      answer.backend_reachable = row.out;
      trace.rule(row.id);
      StepRef step =
          trace.step(row.id, "an NTLM logon never reaches another computer, whatever the token level");
      step.read(Read{"transport scheme", name(selection.scheme), false});
      step.read(Read{"backend", name(backend), false});
      trace.finding("P-7", Severity::warning, kP7Ntlm);
      return result;
    }
  }
  const Reach* reach = reach_for(*answer.token_level, trace);
  const bool reachable = reach != nullptr && (remote ? reach->cross_machine : reach->cross_process);
  answer.backend_reachable = reachable;
  if (!reachable) {
    const int dr = row_of<DR>({Input::of(*answer.token_level)});
    const std::string_view rule = dr >= 0 ? DR.rows[static_cast<std::size_t>(dr)].id : std::string_view{"DR"};
    if (dr >= 0) {
      trace.finding(rule, Severity::warning,
                    remote ? "The token does not reach another computer: a remote back-end needs a "
                             "Delegation-level token."sv
                           : "The token does not reach another process: a back-end needs at least an "
                             "Impersonation-level token."sv);
    }
    const TokenLevel needed = remote ? TokenLevel::Delegation : TokenLevel::Impersonation;
    if (answer.mechanism == Mechanism::cached_token_windows && allowed < needed &&
        allowed != TokenLevel::Anonymous) {
      trace.finding("P-10", Severity::info,
                    "The client's AllowedImpersonationLevel caps the token: the service cannot "
                    "obtain a higher level than the client allows.");
    }
    return result;
  }
  if (remote) {
    const bool digest = selection.transport && selection.scheme == TransportScheme::Digest;
    trace.finding("P-7", digest ? Severity::warning : Severity::info, digest ? kP7Digest : kP7);
    trace.finding("P-9", Severity::info,
                  "For constrained delegation the domain controller must not mark the client "
                  "account sensitive, must trust it for delegation, and must trust the middle-tier "
                  "computer for delegation to specified services only.");
  }
  if (answer.mechanism == Mechanism::cached_token_username) {
    trace.finding("P-8", Severity::warning,
                  "The back-end is reached by reusing the client's user name and password: this is "
                  "identity flow, not Kerberos delegation, and Active Directory's delegation "
                  "controls do not apply.");
  }
  return result;
}

Result<Answer> decide(const Request& request, Explain explain) noexcept {
  return std::visit(
      [explain](const auto& typed) noexcept -> Result<Answer> {
        using T = std::decay_t<decltype(typed)>;
        const auto forward = [](auto result) noexcept -> Result<Answer> {
          if (!result) return result.error();
          return Answer{std::move(result.value())};
        };
        if constexpr (std::is_same_v<T, ImpersonationRequest>)
          return forward(decide_impersonation(typed, explain));
        else if constexpr (std::is_same_v<T, TokenLevelRequest>)
          return forward(decide_token_level(typed, explain));
        else if constexpr (std::is_same_v<T, DelegationReachRequest>)
          return forward(decide_delegation_reach(typed, explain));
        else if constexpr (std::is_same_v<T, ScenarioRequest>)
          return forward(decide_scenario(typed, explain));
        else if constexpr (std::is_same_v<T, WinrmProxyRequest>)
          return forward(decide_winrm_proxy(typed, explain));
        else if constexpr (std::is_same_v<T, WinrmConfigRequest>)
          return forward(decide_winrm_config(typed, explain));
        else
          return forward(decide_chain(typed, explain));
      },
      request);
}

}  // namespace wcfpolicy
