// Internal: what the readers of each format hand to the builder that merges and resolves them,
// and the byte streams they read from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "wcfpolicy/ad.hpp"
#include "wcfpolicy/ad_import.hpp"

namespace wcfpolicy::ad_import::detail {

// How far a source is trusted on a flag: LDIF is the directory itself; SharpHound is derived.
enum class Rank : std::uint8_t { sharphound = 1, ldif = 2 };

// ByteSource: a file, a zip entry or memory, read front to back. read() returns the bytes read
// (0 at the end) or throws ReadFailure.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual std::size_t read(char* buffer, std::size_t capacity) = 0;
  // The name errors and provenance use: the path as given, or "bh.zip!users.json".
  [[nodiscard]] virtual const std::string& name() const = 0;
};

// ReadFailure: the reader stops; carries the error to report.
struct ReadFailure {
  ImportError error;
};

// One object as a source describes it, before merging.
struct Record {
  enum class Type : std::uint8_t { account, group, domain };
  Type type = Type::account;
  ad::AccountKind kind = ad::AccountKind::user;
  Rank rank = Rank::sharphound;
  std::string sid;
  std::string sam;     // sAMAccountName (derived when the source lacks it)
  std::string domain;  // DNS name, upper case
  std::string domain_sid;
  std::string dns_host_name;
  std::string dn;  // normalized (lower case), LDIF only
  std::optional<bool> enabled, sensitive, trusted_for_delegation, trusted_to_auth;
  std::optional<std::uint32_t> uac;
  std::vector<std::string> spns;
  std::vector<std::string> allowed_to_delegate_to;
  bool allowed_to_delegate_given = false;
  std::vector<ad::RbcdEntry> allowed_to_act;  // principal: a SID until resolved
  bool allowed_to_act_given = false;
  bool allowed_to_delegate_unknown = false;
  bool allowed_to_act_unverified = false;
  bool allowed_to_act_unknown = false;
  // Group membership as the source gives it: the groups this object is a direct member of
  // (memberOf), and, for a group, its members; each by SID or by DN.
  std::vector<std::string> member_of_sids, member_of_dns;
  std::vector<std::string> member_sids, member_dns;
  std::string primary_group_sid;
  int functional_level = -1;  // a domain's
  std::string source;         // provenance
};

// ObjectIndex: objects by SID, and by domain plus sAMAccountName, through 64-bit hashes only;
// a hit is confirmed against the object itself, so that the index of a large domain costs a few
// words an object and no copy of its names.
class ObjectIndex {
 public:
  void add_sid(std::string_view sid, std::uint32_t index) { by_sid_.emplace(hash(sid, false), index); }
  void add_name(std::string_view domain, std::string_view sam, std::uint32_t index) {
    by_name_.emplace(hash(domain, true) * 31 + hash(sam, true), index);
  }
  // The object whose SID is `sid`: `is(index)` confirms a candidate.
  template <class Is>
  std::optional<std::uint32_t> find_sid(std::string_view sid, Is is) const {
    return find(by_sid_, hash(sid, false), is);
  }
  template <class Is>
  std::optional<std::uint32_t> find_name(std::string_view domain, std::string_view sam, Is is) const {
    return find(by_name_, hash(domain, true) * 31 + hash(sam, true), is);
  }

 private:
  static std::uint64_t hash(std::string_view text, bool fold_case) {
    std::uint64_t h = 14695981039346656037ull;  // FNV-1a
    for (char c : text) {
      if (fold_case && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    }
    return h;
  }
  template <class Is>
  static std::optional<std::uint32_t> find(const std::unordered_multimap<std::uint64_t, std::uint32_t>& map,
                                           std::uint64_t key, Is is) {
    const auto [first, last] = map.equal_range(key);
    for (auto it = first; it != last; ++it)
      if (is(it->second)) return it->second;
    return std::nullopt;
  }
  std::unordered_multimap<std::uint64_t, std::uint32_t> by_sid_, by_name_;
};

// Builder: collects records and facts of every source, then merges and resolves them.
class Builder {
 public:
  void add(Record&& record);
  void finding(std::string rule, Severity severity, std::string message, std::string source);
  void source(std::string name) { facts_.sources.push_back(std::move(name)); }
  void spn_mappings(std::vector<std::string> aliases) { spn_mappings_ = std::move(aliases); }
  void default_functional_level(int level) { default_level_ = level; }
  void default_naming_domain(std::string domain) {
    if (naming_domain_.empty()) naming_domain_ = std::move(domain);
  }

  // The facts, resolved; the builder is spent.
  ad::Facts finish();

 private:
  // SIDs and DNs that objects refer to are held once each and referred to by number: a large
  // domain has millions of memberships and few distinct groups.
  static constexpr std::uint32_t kNone = 0xFFFFFFFF;
  using Refs = std::vector<std::uint32_t>;
  std::uint32_t intern(std::string&& text);
  void intern_all(std::vector<std::string>&& texts, Refs& into);
  struct AccountExtra {
    Rank rank = Rank::sharphound;
    std::uint8_t flags_given = 0;
    std::uint32_t dn = kNone;
    Refs member_of;  // SIDs and DNs
    std::uint32_t primary_group = kNone;
  };
  struct Group {
    std::string sam, domain, sid, source;
    std::uint32_t dn = kNone;
    Refs member_of, members;
  };
  void add_account(Record&& record);
  void add_group(Record&& record);
  void add_domain(Record&& record);
  void merge_account(std::size_t index, Record&& record);

  ad::Facts facts_;
  std::vector<AccountExtra> extras_;
  std::vector<Group> groups_;
  std::optional<std::uint32_t> account_of_sid(std::string_view sid) const;
  std::optional<std::uint32_t> group_of_sid(std::string_view sid) const;
  std::optional<std::uint32_t> find_account(const Record& record) const;
  std::optional<std::uint32_t> find_group(const Record& record) const;
  ObjectIndex accounts_index_, groups_index_;
  std::unordered_map<std::string, std::uint32_t> ref_ids_;
  std::vector<const std::string*> ref_text_;
  std::vector<std::string> spn_mappings_;
  int default_level_ = -1;
  std::string naming_domain_;
};

// The readers. Each reads one source to its end and throws ReadFailure on bad input.
void read_sharphound(ByteSource& source, std::string_view display_name, Builder& builder);
void read_ldif(ByteSource& source, std::string_view display_name, Builder& builder);

// Binary Active Directory values (MS-DTYP).
// sid_to_string(bytes): "S-1-5-21-..." (2.4.2.2); nullopt when `bytes` is not one SID exactly.
[[nodiscard]] std::optional<std::string> sid_to_string(std::string_view bytes);

// DecodedAce: one ACE of a DACL.
struct DecodedAce {
  std::uint8_t type = 0;   // 0x00 allowed, 0x01 denied, others kept for a finding
  std::uint8_t flags = 0;  // 0x08 INHERIT_ONLY
  std::uint32_t mask = 0;
  std::string sid;  // empty for an ACE type whose SID is not read
};
// decode_security_descriptor(bytes, aces, error): the DACL of a self-relative security
// descriptor (2.4.6), in order; false with `error` saying what is wrong (an offset outside it,
// a bad ACL or ACE size, a bad SID).
bool decode_security_descriptor(std::string_view bytes, std::vector<DecodedAce>& aces, std::string& error);

// decode_base64(text, out): strict RFC 4648 (padding required, no white space).
bool decode_base64(std::string_view text, std::string& out);

// upper / lower ASCII copies.
[[nodiscard]] std::string upper_ascii(std::string_view text);
[[nodiscard]] std::string lower_ascii(std::string_view text);

// The base name of a path ("a/b/users.json" -> "users.json").
[[nodiscard]] std::string_view base_name(std::string_view path);

}  // namespace wcfpolicy::ad_import::detail
