// The WinRM decisions: `winrm_proxy` (the WR rules of docs/rules.md section 5 and the client's
// refusals WC) and `winrm_config` (the hardening items WH), all from rules/winrm.hpp.
// Like decide.cpp: noexcept and allocation-free; answers hold string_views into static text.
//
// An input is needed only while it can still make the verdict worse: once a rule denies, an
// input that only deny rules read may be left out (its rules are then reported as not
// checked in the explanation), but an input that could turn an allow into a warn or a deny is
// an InputError naming it.
#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string_view>
#include <type_traits>

#include "wcfpolicy/decide.hpp"
#include "wcfpolicy/fields.hpp"
#include "wcfpolicy/rules/winrm.hpp"

namespace wcfpolicy {
namespace {

using tables::WC;
using tables::WR;

// wr(5) is WR-5 and wc(1) is WC-1: the tables' ids are numbered (checked in rules/winrm.hpp).
constexpr const WinrmRule& wr(std::size_t number) noexcept { return WR[number - 1]; }
constexpr const WinrmRule& wc(std::size_t number) noexcept { return WC[number - 1]; }

// The names of E, comma-separated, as static text (for the "allowed" of an InputError).
template <class E>
struct JoinedNames {
  static constexpr std::size_t size = [] {
    std::size_t n = 0;
    for (std::string_view s : EnumNames<E>::names) n += s.size() + 2;
    return n - 2;
  }();
  static constexpr std::array<char, size> text = [] {
    std::array<char, size> out{};
    std::size_t i = 0;
    for (std::string_view s : EnumNames<E>::names) {
      if (i != 0) {
        out[i++] = ',';
        out[i++] = ' ';
      }
      for (char c : s) out[i++] = c;
    }
    return out;
  }();
  static constexpr std::string_view view{text.data(), size};
};

// ---- the inputs the rules read -------------------------------------------------------------

// InputSpec: an input as an InputError names it when it is missing: its JSON path, why the
// verdict needs it (the rules that read it), and what it may be.
struct InputSpec {
  std::string_view field;
  std::string_view problem;
  std::string_view allowed;
};

constexpr std::string_view kBools = "true, false";
constexpr InputSpec kVersion{"winrm_version",
                             "missing; with a proxy the verdict depends on it unless "
                             "proxy.settings_source is winhttp (WR-10: WinRM 1.1 or earlier "
                             "ignores Internet Explorer's proxy settings)",
                             "a string MAJOR.MINOR, such as \"2.0\" or \"1.1\""};
constexpr InputSpec kTransport{"transport",
                               "missing; the verdict depends on it (HTTP and HTTPS take "
                               "different rules: WR-1..WR-9, WC-1, WC-8)",
                               JoinedNames<Transport>::view};
constexpr InputSpec kAuthMechanism{"auth_mechanism",
                                   "missing; the verdict depends on it (WR-3, WR-4 and WR-6 over "
                                   "HTTP, WC-2 and WC-3 with session proxy settings, WC-8)",
                                   JoinedNames<AuthMechanism>::view};
constexpr InputSpec kEncryption{"encryption_enforced",
                                "missing; over HTTP through a proxy the verdict depends on it "
                                "(WR-3)",
                                kBools};
constexpr InputSpec kRequiresAuthentication{"proxy.requires_authentication",
                                            "missing; over HTTP the verdict depends on it (WR-1)", kBools};
constexpr InputSpec kHttp11{"proxy.supports_http11", "missing; over HTTP the verdict depends on it (WR-5)",
                            kBools};
constexpr InputSpec kConnectionAuth{"proxy.connection_based_auth",
                                    "missing; over HTTP with Negotiate, Kerberos or CredSSP the "
                                    "verdict depends on it (WR-6)",
                                    kBools};
constexpr InputSpec kPersistence{"proxy.connection_persistence",
                                 "missing; over HTTP the verdict depends on it (WR-7)", kBools};
constexpr InputSpec kSettingsSource{"proxy.settings_source",
                                    "missing; with a proxy the verdict depends on it unless "
                                    "winrm_version is later than 1.1 (WR-10)",
                                    JoinedNames<ProxySettingsSource>::view};

constexpr std::string_view kAccessTypeField = "proxy.session_options.access_type";
constexpr std::string_view kProxyAuthenticationField = "proxy.session_options.authentication";
constexpr std::string_view kCredentialField = "proxy.session_options.credential";

// WR-4: message-level encryption over HTTP exists only with these. WR-6: these authenticate in
// several legs over one connection. The document names the same three for both.
constexpr std::array kEncryptingOverHttp{AuthMechanism::Negotiate, AuthMechanism::Kerberos,
                                         AuthMechanism::CredSSP};
constexpr std::array kMultiLeg{AuthMechanism::Negotiate, AuthMechanism::Kerberos, AuthMechanism::CredSSP};

// WC-5: the proxy authentications PSSessionOption accepts.
constexpr auto kAcceptedProxyAuthentication = static_cast<ProxyAuthenticationSet>(
    bit(ProxyAuthentication::Basic) | bit(ProxyAuthentication::Negotiate) | bit(ProxyAuthentication::Digest));

// ---- facts ---------------------------------------------------------------------------------

// Fact: whether a rule's condition holds for the request, or the first input it still needs.
class Fact {
 public:
  static constexpr Fact of(bool holds) noexcept { return Fact(holds ? State::yes : State::no, nullptr); }
  static constexpr Fact needs(const InputSpec& input) noexcept { return Fact(State::unknown, &input); }

  // equals(value, wanted, input): whether the given value is `wanted`.
  template <class T>
  static constexpr Fact equals(const std::optional<T>& value, T wanted, const InputSpec& input) noexcept {
    return value ? of(*value == wanted) : needs(input);
  }
  // among(value, set, input): whether the given value is one of `set`.
  template <class T, std::size_t N>
  static constexpr Fact among(const std::optional<T>& value, const std::array<T, N>& set,
                              const InputSpec& input) noexcept {
    if (!value) return needs(input);
    for (const T& candidate : set)
      if (candidate == *value) return of(true);
    return of(false);
  }

  [[nodiscard]] constexpr bool holds() const noexcept { return state_ == State::yes; }
  [[nodiscard]] constexpr bool fails() const noexcept { return state_ == State::no; }
  [[nodiscard]] constexpr const InputSpec* missing() const noexcept { return missing_; }

  // both: false as soon as either is; unknown (naming the first missing input) otherwise.
  friend constexpr Fact both(Fact a, Fact b) noexcept {
    if (a.fails() || b.fails()) return of(false);
    if (a.missing_ != nullptr) return a;
    if (b.missing_ != nullptr) return b;
    return of(true);
  }
  // either: true as soon as either is; unknown (naming the first missing input) otherwise.
  friend constexpr Fact either(Fact a, Fact b) noexcept {
    if (a.holds() || b.holds()) return of(true);
    if (a.missing_ != nullptr) return a;
    if (b.missing_ != nullptr) return b;
    return of(false);
  }
  friend constexpr Fact negation(Fact a) noexcept { return a.missing_ != nullptr ? a : of(!a.holds()); }

 private:
  enum class State : std::uint8_t { no, yes, unknown };
  constexpr Fact(State state, const InputSpec* missing) noexcept : state_(state), missing_(missing) {}
  State state_;
  const InputSpec* missing_;
};

// ---- reads (the inputs a step looked at, as static text) -----------------------------------

template <class T>
constexpr Read given(std::string_view field, const std::optional<T>& value) noexcept {
  if (!value) return Read{field, "not given", false};
  if constexpr (std::is_same_v<T, bool>) {
    return Read{field, bool_name(*value), false};
  } else {
    return Read{field, name(*value), false};
  }
}

// A session option, with PowerShell's default when it is absent.
template <class T>
constexpr Read with_default(std::string_view field, const std::optional<T>& value, T fallback) noexcept {
  Read r = given(field, std::optional<T>(value.value_or(fallback)));
  r.defaulted = !value;
  return r;
}

constexpr Read version_read(const std::optional<WinrmVersion>& version) noexcept {
  if (!version) return Read{"winrm_version", "not given", false};
  return Read{"winrm_version", *version <= kWinrm11 ? "1.1 or earlier" : "later than 1.1", false};
}

// ---- evaluation ----------------------------------------------------------------------------

// Evaluation: applies rules to a request, keeping the worst verdict and the rules that could
// not be checked for want of an input.
class Evaluation {
 public:
  explicit Evaluation(Trace& trace) noexcept : trace_(trace) {}

  // check(rule, condition, reads): raises the rule's finding when the condition holds, and
  // records the step either way; a condition that needs a missing input is kept pending.
  void check(const WinrmRule& rule, Fact condition, std::initializer_list<Read> reads) noexcept {
    std::string_view conclusion = "does not apply";
    const bool taken = condition.holds();
    if (taken) {
      trace_.finding(rule.id, severity_of(rule.verdict), rule.message);
      verdict_ = std::max(verdict_, rule.verdict);
      conclusion = rule.when;
    } else if (const InputSpec* input = condition.missing()) {
      pending_.push_back(Pending{input, rule.verdict});
      conclusion = kNotChecked;
    }
    StepRef step = trace_.step(rule.id, conclusion);
    if (!taken) step.not_taken();
    for (const Read& r : reads) step.read(r);
  }

  // need(rules, input, potential): the rules named by `rules` cannot be told apart without
  // `input`, and could give `potential`.
  void need(std::string_view rules, const InputSpec& input, Verdict potential) noexcept {
    pending_.push_back(Pending{&input, potential});
    StepRef step = trace_.step(rules, kNotChecked);
    step.not_taken();
    step.read(Read{input.field, "not given", false});
  }

  [[nodiscard]] Verdict verdict() const noexcept { return verdict_; }

  // The first missing input that could still make the verdict worse.
  [[nodiscard]] std::optional<InputError> missing_input() const noexcept {
    for (const Pending& p : pending_) {
      if (p.potential <= verdict_) continue;
      InputError error;
      error.kind = ErrorKind::missing;
      error.field = p.input->field;
      error.problem = p.input->problem;
      error.allowed = p.input->allowed;
      return error;
    }
    return std::nullopt;
  }

 private:
  // A missing input that kept rules unchecked, and the worst verdict those rules could give.
  struct Pending {
    const InputSpec* input = nullptr;
    Verdict potential = Verdict::allow;
  };

  // The conclusion of an unchecked rule's step, seen only when the answer did not need it.
  static constexpr std::string_view kNotChecked =
      "not checked: an input it reads is missing, and the verdict is already as bad as it could "
      "make it";

  Trace& trace_;
  Verdict verdict_ = Verdict::allow;
  FixedList<Pending, WR.size() + WC.size()> pending_;
};

// ---- winrm_proxy ---------------------------------------------------------------------------

// WC-1..WC-7: the session's proxy options, as PowerShell and the WinRM client check them.
void check_session_options(const WinrmProxyRequest& r, const WinrmSessionOptions& options,
                           Evaluation& e) noexcept {
  const ProxyAccessType access = options.access_type.value_or(ProxyAccessType::None);
  const ProxyAuthenticationSet mechanisms =
      options.authentication.value_or(bit(ProxyAuthentication::Negotiate));
  const bool credential = options.credential.value_or(false);
  // PowerShell hands the WinRM client proxy settings exactly when the access type is not None.
  const Fact session_settings = Fact::of(access != ProxyAccessType::None);
  const Read access_read = with_default(kAccessTypeField, options.access_type, ProxyAccessType::None);
  const Read credential_read = with_default(kCredentialField, options.credential, false);

  e.check(wc(1), both(session_settings, Fact::equals(r.transport, Transport::HTTP, kTransport)),
          {access_read, given("transport", r.transport)});
  const Read auth_read = given("auth_mechanism", r.auth_mechanism);
  e.check(wc(2),
          both(session_settings, Fact::equals(r.auth_mechanism, AuthMechanism::Kerberos, kAuthMechanism)),
          {access_read, auth_read});
  e.check(wc(3),
          both(session_settings, Fact::equals(r.auth_mechanism, AuthMechanism::CredSSP, kAuthMechanism)),
          {access_read, auth_read});

  // The reads name one mechanism: the only one, or the first that PSSessionOption refuses.
  const auto first_of = [](ProxyAuthenticationSet set) noexcept {
    return static_cast<ProxyAuthentication>(std::countr_zero(static_cast<unsigned>(set)));
  };
  const bool several = std::popcount(static_cast<unsigned>(mechanisms)) > 1;
  const auto refused = static_cast<ProxyAuthenticationSet>(mechanisms & ~kAcceptedProxyAuthentication);
  const Read mechanisms_read{kProxyAuthenticationField,
                             several ? "more than one" : name(first_of(mechanisms)), !options.authentication};
  e.check(wc(4), Fact::of(several), {mechanisms_read});
  e.check(wc(5), Fact::of(refused != 0),
          {refused != 0 ? Read{kProxyAuthenticationField, name(first_of(refused)), false} : mechanisms_read});
  e.check(wc(6), Fact::of(credential && access == ProxyAccessType::None), {credential_read, access_read});
  e.check(wc(7), Fact::of(credential && access == ProxyAccessType::NoProxyServer),
          {credential_read, access_read});
}

// WR-1..WR-10: the connection goes through `proxy`.
void check_proxy(const WinrmProxyRequest& r, const WinrmProxy& proxy, Evaluation& e) noexcept {
  const Read transport_read = given("transport", r.transport);
  const Read auth_read = given("auth_mechanism", r.auth_mechanism);
  const Read authenticates_read = given(kRequiresAuthentication.field, proxy.requires_authentication);
  const Fact authenticates = Fact::equals(proxy.requires_authentication, true, kRequiresAuthentication);

  if (!r.transport) {
    e.need("WR-1..WR-9", kTransport, Verdict::deny);
  } else if (*r.transport == Transport::HTTPS) {
    e.check(wr(2), authenticates, {authenticates_read});
    e.check(wr(9), Fact::of(true), {transport_read, Read{"proxy", "given", false}});
  } else {
    const Fact encrypting = Fact::among(r.auth_mechanism, kEncryptingOverHttp, kAuthMechanism);
    const Fact wr1 = authenticates;
    const Fact wr4 = negation(encrypting);
    const Fact wr3 = either(wr4, Fact::equals(r.encryption_enforced, false, kEncryption));
    const Fact wr5 = Fact::equals(proxy.supports_http11, false, kHttp11);
    const Fact wr6 = both(Fact::among(r.auth_mechanism, kMultiLeg, kAuthMechanism),
                          Fact::equals(proxy.connection_based_auth, false, kConnectionAuth));
    const Fact wr7 = Fact::equals(proxy.connection_persistence, false, kPersistence);
    // WR-8: none of the rules above denies.
    const Fact wr8 = negation(either(either(either(wr1, wr3), either(wr4, wr5)), either(wr6, wr7)));

    e.check(wr(1), wr1, {transport_read, authenticates_read});
    e.check(wr(2), authenticates, {authenticates_read});
    e.check(wr(4), wr4, {transport_read, auth_read});
    e.check(wr(3), wr3, {transport_read, auth_read, given(kEncryption.field, r.encryption_enforced)});
    e.check(wr(5), wr5, {transport_read, given(kHttp11.field, proxy.supports_http11)});
    e.check(wr(6), wr6,
            {transport_read, auth_read, given(kConnectionAuth.field, proxy.connection_based_auth)});
    e.check(wr(7), wr7, {transport_read, given(kPersistence.field, proxy.connection_persistence)});
    e.check(wr(8), wr8, {transport_read});
  }

  const Fact old_client = r.winrm_version ? Fact::of(*r.winrm_version <= kWinrm11) : Fact::needs(kVersion);
  const Fact internet_explorer =
      Fact::equals(proxy.settings_source, ProxySettingsSource::internet_explorer, kSettingsSource);
  e.check(wr(10), both(old_client, internet_explorer),
          {version_read(r.winrm_version), given(kSettingsSource.field, proxy.settings_source)});
}

// The answer the rules give with the inputs given: the verdict of the rules that fired, and the
// first missing input that some unchecked rule reads and whose worst verdict is worse.
struct ProxyEvaluation {
  WinrmProxyAnswer answer;
  std::optional<InputError> missing;
};

ProxyEvaluation evaluate_proxy(const WinrmProxyRequest& r, Explain explain) noexcept {
  WinrmProxyAnswer answer;
  answer.trace.explain = explain;
  Evaluation e(answer.trace);

  // The client's refusals come first: it refuses before it sends anything.
  const WinrmSessionOptions* options =
      r.proxy && r.proxy->session_options ? &*r.proxy->session_options : nullptr;
  if (options != nullptr) check_session_options(r, *options, e);
  e.check(wc(8),
          both(Fact::equals(r.transport, Transport::HTTP, kTransport),
               Fact::equals(r.auth_mechanism, AuthMechanism::Certificate, kAuthMechanism)),
          {given("transport", r.transport), given("auth_mechanism", r.auth_mechanism)});

  // NoProxyServer sends the connection straight to the server, whatever proxy there is.
  const bool bypassed = options != nullptr && options->access_type == ProxyAccessType::NoProxyServer;
  if (!r.proxy || bypassed) {
    e.check(wr(11), Fact::of(true),
            {bypassed ? Read{kAccessTypeField, name(ProxyAccessType::NoProxyServer), false}
                      : Read{"proxy", "absent", false}});
  } else {
    check_proxy(r, *r.proxy, e);
  }

  answer.verdict = e.verdict();
  return {answer, e.missing_input()};
}

// The worst verdict any completion of the request's missing inputs gets, from the request's own
// evaluation: each missing input is tried with every value its field schema lists
// (wcfpolicy/fields.hpp), one after the other.
Verdict worst_completion(const WinrmProxyRequest& r, const ProxyEvaluation& evaluation,
                         std::size_t depth) noexcept {
  if (!evaluation.missing) return evaluation.answer.verdict;
  const Field<WinrmProxyRequest>* field = find_field<WinrmProxyRequest>(evaluation.missing->field);
  if (field == nullptr || depth == 0) return Verdict::deny;  // cannot tell: assume the worst
  std::array<FieldValue, kMaxCandidates> values{};
  const std::size_t count = candidate_values(*field, values);
  Verdict worst = evaluation.answer.verdict;
  for (std::size_t i = 0; i < count && worst != Verdict::deny; ++i) {
    WinrmProxyRequest completed = r;
    field->set(completed, values[i]);
    worst = std::max(worst, worst_completion(completed, evaluate_proxy(completed, Explain::no), depth - 1));
  }
  return worst;
}

}  // namespace

// An input is needed only while it can still make the verdict worse (docs/rules.md, WinRM): a
// missing input is an error only when some completion of the request gets a worse verdict than
// the rules that fired already give.
Result<WinrmProxyAnswer> decide_winrm_proxy(const WinrmProxyRequest& r, Explain explain) noexcept {
  ProxyEvaluation evaluation = evaluate_proxy(r, explain);
  if (evaluation.missing &&
      worst_completion(r, evaluation, fields_of<WinrmProxyRequest>.size()) > evaluation.answer.verdict) {
    return *evaluation.missing;
  }
  return evaluation.answer;
}

// ---- winrm_config --------------------------------------------------------------------------

Result<WinrmConfigAnswer> decide_winrm_config(const WinrmConfigRequest& r, Explain explain) noexcept {
  WinrmConfigAnswer answer;
  answer.trace.explain = explain;
  for (std::size_t i = 0; i < tables::WH.size(); ++i) {
    const HardeningItem& item = tables::WH[i];
    const std::optional<bool>& given_value = r[item.setting];
    const bool value = given_value.value_or(spec_of(item.setting).unconfigured);
    const bool pass = value == item.required;
    answer.checks[i] = HardeningCheck{&item, value, !given_value, pass};

    StepRef step = answer.trace.step(
        item.id, pass ? "passes: the setting has the value the benchmarks require"
                      : "fails: the setting does not have the value the benchmarks require");
    step.read(Read{name(item.setting), bool_name(value), !given_value});
    // WinRM's default is reported either way: auditors read the policy's registry value, which
    // an unconfigured machine does not have, and some defaults fail (WH-1, WH-3, WH-7).
    const Severity severity = pass ? Severity::info : item.severity;
    if (!given_value) {
      answer.trace.finding(item.id, severity, item.unconfigured_message);
    } else if (!pass) {
      answer.trace.finding(item.id, severity, item.fail_message);
    }
    if (!given_value || !pass) answer.verdict = std::max(answer.verdict, verdict_of(severity));
  }
  return answer;
}

}  // namespace wcfpolicy
