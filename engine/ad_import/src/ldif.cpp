// LDIF as ldapsearch prints it (RFC 2849; docs/rules.md, "LDIF attributes"): read line by line,
// one entry at a time. Folded lines (a line starting with one space continues the previous one),
// `attr:: base64` values, `#` comments (ldapsearch's `# refldap://` referrals among them),
// `version:`, and the records ldapsearch adds after the entries (`ref:` search references,
// `search:` and `result:`) are handled; the attributes the rules read are kept, the rest skipped.
#include <algorithm>
#include <charconv>
#include <cstring>

#include "import_detail.hpp"

namespace wcfpolicy::ad_import::detail {
namespace {

constexpr std::size_t kReadSize = std::size_t{64} << 10;
constexpr std::size_t kMaxLineBytes = std::size_t{64} << 20;  // one logical (unfolded) line

// One attribute value as read: the name (lower case, options such as ";range=0-1499" removed),
// the value (decoded), and the line where it starts.
struct Attribute {
  std::string name;
  std::string value;
  std::size_t line = 0;
  bool base64 = false;
};

// The attributes the importer keeps; every other one is skipped as it is read.
bool wanted(std::string_view name) {
  static constexpr std::string_view kNames[] = {"dn",
                                                "objectclass",
                                                "objectsid",
                                                "samaccountname",
                                                "useraccountcontrol",
                                                "serviceprincipalname",
                                                "dnshostname",
                                                "msds-allowedtodelegateto",
                                                "msds-allowedtoactonbehalfofotheridentity",
                                                "member",
                                                "memberof",
                                                "primarygroupid",
                                                "isdeleted",
                                                "msds-behavior-version",
                                                "domaincontrollerfunctionality",
                                                "spnmappings",
                                                "defaultnamingcontext",
                                                "ref",
                                                "search",
                                                "result",
                                                "changetype",
                                                "version"};
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

// Splits a DN into its RDNs, honouring backslash escapes ("CN=Smith\, J,OU=...").
std::vector<std::string_view> rdns_of(std::string_view dn) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i < dn.size(); ++i) {
    if (dn[i] == '\\') {
      ++i;
      continue;
    }
    if (dn[i] == ',') {
      parts.push_back(dn.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(dn.substr(start));
  for (auto& part : parts) {
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
  }
  return parts;
}

// The DNS domain of a DN: its DC= parts joined by dots, upper case ("CONTOSO.LOCAL").
std::string domain_of_dn(std::string_view dn) {
  std::string domain;
  for (std::string_view rdn : rdns_of(dn)) {
    if (rdn.size() > 3 && ad::iequals(rdn.substr(0, 3), "dc=")) {
      if (!domain.empty()) domain += '.';
      domain += upper_ascii(rdn.substr(3));
    }
  }
  return domain;
}

// A DN compared as AD compares it: case-insensitively, spaces around the separators ignored.
std::string normalize_dn(std::string_view dn) {
  std::string out;
  out.reserve(dn.size());
  for (std::string_view rdn : rdns_of(dn)) {
    if (!out.empty()) out += ',';
    const auto eq = rdn.find('=');
    if (eq == std::string_view::npos) {
      out += lower_ascii(rdn);
      continue;
    }
    std::string_view type = rdn.substr(0, eq), value = rdn.substr(eq + 1);
    while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    out += lower_ascii(type);
    out += '=';
    out += lower_ascii(value);
  }
  return out;
}

// The value of the first RDN ("CN=alice,CN=Users,..." -> "alice").
std::string_view first_rdn_value(std::string_view dn) {
  const std::string_view rdn = rdns_of(dn).front();
  const auto eq = rdn.find('=');
  return eq == std::string_view::npos ? rdn : rdn.substr(eq + 1);
}

class LdifFile {
 public:
  LdifFile(ByteSource& source, std::string_view name, Builder& builder)
      : source_(source), name_(name), builder_(builder) {
    chunk_.resize(kReadSize);
  }

  void read() {
    std::string physical;
    std::string logical;
    std::size_t logical_line = 0;
    bool in_comment = false;
    bool have_logical = false;
    while (next_physical(physical)) {
      ++line_;
      if (line_ == 1 && physical.starts_with("\xEF\xBB\xBF"))
        physical.erase(0, 3);  // a UTF-8 byte order mark
      if (!physical.empty() && physical.back() == '\r') physical.pop_back();
      if (!physical.empty() && physical.front() == ' ') {  // a folded line continues the previous one
        if (in_comment) continue;
        if (!have_logical)
          fail(line_, 1, "a continuation line (starting with a space) with no line before it");
        if (logical.size() + physical.size() > kMaxLineBytes) fail(line_, 1, "a line longer than 64 MiB");
        logical.append(physical, 1, std::string::npos);
        continue;
      }
      if (have_logical) attribute_line(logical, logical_line);
      have_logical = false;
      in_comment = false;
      if (physical.empty()) {
        end_entry();
        continue;
      }
      if (physical.front() == '#') {
        in_comment = true;
        continue;
      }
      logical.swap(physical);
      logical_line = line_;
      have_logical = true;
    }
    if (have_logical) attribute_line(logical, logical_line);
    end_entry();
    if (entries_ == 0 && !saw_anything_) fail(1, 1, "no LDIF entry in the file");
  }

 private:
  [[noreturn]] void fail(std::size_t line, std::size_t column, const std::string& message) const {
    ImportError error;
    error.file = source_.name();
    error.line = line;
    error.column = column;
    error.message = message;
    throw ReadFailure{std::move(error)};
  }

  bool next_physical(std::string& line) {
    line.clear();
    for (;;) {
      if (pos_ == end_) {
        end_ = source_.read(chunk_.data(), chunk_.size());
        pos_ = 0;
        if (end_ == 0) return !line.empty();
      }
      const char* start = chunk_.data() + pos_;
      const char* nl = static_cast<const char*>(std::memchr(start, '\n', end_ - pos_));
      const std::size_t n = nl == nullptr ? end_ - pos_ : static_cast<std::size_t>(nl - start);
      if (line.size() + n > kMaxLineBytes) fail(line_ + 1, 1, "a line longer than 64 MiB");
      line.append(start, n);
      pos_ += n;
      if (nl != nullptr) {
        ++pos_;
        return true;
      }
    }
  }

  void attribute_line(const std::string& text, std::size_t line) {
    saw_anything_ = true;
    const auto colon = text.find(':');
    if (colon == std::string::npos || colon == 0)
      fail(line, 1, "expected \"attribute: value\", found no ':'");
    std::string name = lower_ascii(std::string_view(text).substr(0, colon));
    if (const auto semicolon = name.find(';'); semicolon != std::string::npos) {
      if (name.find(";range=", semicolon) != std::string::npos &&
          name.find("-*", semicolon) == std::string::npos) {
        builder_.finding("import", Severity::warning,
                         "attribute " + text.substr(0, colon) +
                             " is one range of a larger value: ldapsearch printed only part of it",
                         location(line));
      }
      name.resize(semicolon);
    }
    for (char c : name)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.'))
        fail(
            line, 1,
            "an attribute name may hold letters, digits and '-' only, not \"" + text.substr(0, colon) + "\"");
    if (!wanted(name)) return;
    std::size_t at = colon + 1;
    Attribute attribute;
    attribute.name = std::move(name);
    attribute.line = line;
    if (at < text.size() && text[at] == ':') {
      attribute.base64 = true;
      ++at;
    } else if (at < text.size() && text[at] == '<') {
      builder_.finding("import", Severity::warning, "a value given by URL (attr:< ...) is not read",
                       location(line));
      return;
    }
    while (at < text.size() && text[at] == ' ') ++at;
    const std::string_view raw = std::string_view(text).substr(at);
    if (attribute.base64) {
      if (!decode_base64(raw, attribute.value))
        fail(line, at + 1, "attribute " + attribute.name + ": the base64 value is not valid base64");
    } else {
      attribute.value.assign(raw);
    }
    if (attribute.name == "version" && entry_.empty()) {
      if (attribute.value != "1") fail(line, at + 1, "LDIF version " + attribute.value + " (1 is read)");
      return;
    }
    if (attribute.name == "changetype")
      fail(line, 1, "an LDIF change record (changetype): only content records are read");
    entry_.push_back(std::move(attribute));
  }

  std::string location(std::size_t line) const { return std::string(name_) + ":" + std::to_string(line); }

  const Attribute* first(std::string_view name) const {
    for (const Attribute& a : entry_)
      if (a.name == name) return &a;
    return nullptr;
  }
  std::vector<const Attribute*> all(std::string_view name) const {
    std::vector<const Attribute*> out;
    for (const Attribute& a : entry_)
      if (a.name == name) out.push_back(&a);
    return out;
  }
  bool has_class(std::string_view object_class) const {
    for (const Attribute& a : entry_)
      if (a.name == "objectclass" && ad::iequals(a.value, object_class)) return true;
    return false;
  }
  std::uint32_t unsigned_value(const Attribute& a) const {
    std::uint64_t n = 0;
    const char* end = a.value.data() + a.value.size();
    const auto [ptr, ec] = std::from_chars(a.value.data(), end, n);
    if (a.value.empty() || ec != std::errc() || ptr != end || n > 0xFFFFFFFFu) {
      // userAccountControl is a signed 32-bit integer in the schema; ldapsearch prints it unsigned.
      std::int64_t s = 0;
      const auto [sptr, sec] = std::from_chars(a.value.data(), end, s);
      if (!a.value.empty() && sec == std::errc() && sptr == end && s < 0 && s >= INT32_MIN)
        return static_cast<std::uint32_t>(s);
      fail(a.line, 1, a.name + ": expected an integer, got \"" + a.value.substr(0, 40) + "\"");
    }
    return static_cast<std::uint32_t>(n);
  }
  std::string sid_of(const Attribute& a) const {
    if (!a.base64) {
      if (a.value.starts_with("S-1-")) return a.value;  // some tools print SIDs as text
      fail(a.line, 1, "objectSid: expected a binary SID (objectSid:: base64)");
    }
    auto sid = sid_to_string(a.value);
    if (!sid) fail(a.line, 1, "objectSid: the value is not a SID (MS-DTYP 2.4.2.2)");
    return *sid;
  }

  void end_entry() {
    if (entry_.empty()) return;
    const Attribute* dn = first("dn");
    if (dn == nullptr) {
      // ldapsearch's records after the entries: search references and the result.
      if (const Attribute* ref = first("ref")) {
        builder_.finding("import", Severity::info,
                         "search reference " + ref->value + " not followed: its objects are not in this file",
                         location(ref->line));
      } else if (const Attribute* result = first("result")) {
        if (!result->value.starts_with("0 ")) {
          builder_.finding("import", Severity::warning,
                           "ldapsearch reported \"" + result->value + "\": the dump may be incomplete",
                           location(result->line));
        }
      } else if (first("search") == nullptr) {
        fail(entry_.front().line, 1, "an entry must start with dn:");
      }
      entry_.clear();
      return;
    }
    if (&entry_.front() != dn) fail(entry_.front().line, 1, "an entry must start with dn:");
    ++entries_;
    entry();
    entry_.clear();
  }

  void entry() {
    const Attribute& dn = entry_.front();
    const std::string source = location(dn.line);
    if (dn.value.empty()) {  // the rootDSE
      if (const Attribute* level = first("domaincontrollerfunctionality"))
        builder_.default_functional_level(static_cast<int>(unsigned_value(*level)));
      if (const Attribute* naming = first("defaultnamingcontext"))
        builder_.default_naming_domain(domain_of_dn(naming->value));
      return;
    }
    if (const Attribute* deleted = first("isdeleted"); deleted && ad::iequals(deleted->value, "TRUE")) return;
    if (const Attribute* mappings = first("spnmappings")) {
      std::vector<std::string> aliases;
      for (const Attribute* a : all("spnmappings")) {
        if (a->value.size() < 5 || !ad::iequals(std::string_view(a->value).substr(0, 5), "host=")) continue;
        std::string_view list = std::string_view(a->value).substr(5);
        while (!list.empty()) {
          const auto comma = list.find(',');
          std::string_view alias = list.substr(0, comma);
          if (!alias.empty()) aliases.emplace_back(lower_ascii(alias));
          list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        }
      }
      (void)mappings;
      builder_.spn_mappings(std::move(aliases));
      return;
    }
    Record r;
    r.rank = Rank::ldif;
    r.source = source;
    r.dn = normalize_dn(dn.value);
    r.domain = domain_of_dn(dn.value);
    if (const Attribute* sid = first("objectsid")) r.sid = sid_of(*sid);
    if (has_class("domainDNS")) {
      r.type = Record::Type::domain;
      if (const Attribute* level = first("msds-behavior-version"))
        r.functional_level = static_cast<int>(unsigned_value(*level));
      builder_.add(std::move(r));
      return;
    }
    const bool group = has_class("group");
    const bool managed =
        has_class("msDS-GroupManagedServiceAccount") || has_class("msDS-ManagedServiceAccount");
    const bool computer = has_class("computer");
    const bool user = has_class("user");
    if (!group && !computer && !user && !managed) {  // containers, OUs, policies...
      if (first("objectclass") == nullptr) {
        builder_.finding(
            "import", Severity::warning,
            "entry " + dn.value + " has no objectClass, so it is not read: ask ldapsearch for objectClass",
            source);
      }
      return;
    }
    if (const Attribute* sam = first("samaccountname")) r.sam = sam->value;
    for (const Attribute* a : all("memberof")) r.member_of_dns.push_back(normalize_dn(a->value));
    if (group) {
      r.type = Record::Type::group;
      if (r.sam.empty()) r.sam = std::string(first_rdn_value(dn.value));
      for (const Attribute* a : all("member")) {
        // A member from another forest is a foreign security principal named by its SID.
        const std::string_view value = first_rdn_value(a->value);
        if (value.starts_with("S-1-") && a->value.find("ForeignSecurityPrincipals") != std::string::npos) {
          r.member_sids.emplace_back(value);
        } else {
          r.member_dns.push_back(normalize_dn(a->value));
        }
      }
      builder_.add(std::move(r));
      return;
    }
    r.type = Record::Type::account;
    r.kind = managed ? ad::AccountKind::gmsa : computer ? ad::AccountKind::computer : ad::AccountKind::user;
    if (const Attribute* host = first("dnshostname")) r.dns_host_name = host->value;
    if (r.sam.empty()) {
      r.sam = computer && !r.dns_host_name.empty()
                  ? upper_ascii(std::string_view(r.dns_host_name).substr(0, r.dns_host_name.find('.'))) + "$"
                  : std::string(first_rdn_value(dn.value));
    }
    if (const Attribute* uac = first("useraccountcontrol")) r.uac = unsigned_value(*uac);
    for (const Attribute* a : all("serviceprincipalname")) r.spns.push_back(a->value);
    r.allowed_to_delegate_given = true;
    for (const Attribute* a : all("msds-allowedtodelegateto")) r.allowed_to_delegate_to.push_back(a->value);
    r.allowed_to_act_given = true;
    if (const Attribute* sd = first("msds-allowedtoactonbehalfofotheridentity")) rbcd(*sd, r);
    if (const Attribute* primary = first("primarygroupid"); primary && !r.sid.empty()) {
      const auto dash = r.sid.rfind('-');
      r.primary_group_sid = r.sid.substr(0, dash) + "-" + std::to_string(unsigned_value(*primary));
    }
    builder_.add(std::move(r));
  }

  // msDS-AllowedToActOnBehalfOfOtherIdentity: a self-relative security descriptor (AD-10).
  void rbcd(const Attribute& sd, Record& r) {
    if (!sd.base64)
      fail(sd.line, 1, "msDS-AllowedToActOnBehalfOfOtherIdentity: expected a binary value (attr:: base64)");
    std::vector<DecodedAce> aces;
    std::string error;
    if (!decode_security_descriptor(sd.value, aces, error))
      fail(sd.line, 1, "msDS-AllowedToActOnBehalfOfOtherIdentity: " + error);
    for (const DecodedAce& ace : aces) {
      if (ace.type != 0x00 && ace.type != 0x01) {
        builder_.finding("import", Severity::warning,
                         "msDS-AllowedToActOnBehalfOfOtherIdentity of " + r.sam + ": ACE type " +
                             std::to_string(ace.type) + " (not allow or deny) skipped",
                         location(sd.line));
        continue;
      }
      if (ace.mask == 0) {  // AD-10: a zero-mask ACE neither grants nor refuses
        builder_.finding("import", Severity::info,
                         "msDS-AllowedToActOnBehalfOfOtherIdentity of " + r.sam +
                             ": an ACE with a zero mask for " + ace.sid + " skipped (it decides nothing)",
                         location(sd.line));
        continue;
      }
      r.allowed_to_act.push_back(
          {ace.sid, ace.type == 0x01 ? ad::AceType::deny : ad::AceType::allow, (ace.flags & 0x08) != 0});
    }
  }

  ByteSource& source_;
  std::string_view name_;
  Builder& builder_;
  std::string chunk_;
  std::size_t pos_ = 0, end_ = 0;
  std::size_t line_ = 0;
  std::size_t entries_ = 0;
  bool saw_anything_ = false;
  std::vector<Attribute> entry_;
};

}  // namespace

void read_ldif(ByteSource& source, std::string_view display_name, Builder& builder) {
  LdifFile file(source, display_name, builder);
  file.read();
}

}  // namespace wcfpolicy::ad_import::detail
