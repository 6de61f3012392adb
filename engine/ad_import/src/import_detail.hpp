// Internal: what the readers of each format hand to the builder that merges and resolves them,
// and the byte streams they read from.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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

// A hash of `text`, ASCII letters folded to lower case when asked: eight bytes at a time (a
// multiply and a shift each), where a byte-at-a-time hash spends most of a large import's lookups.
inline std::uint64_t text_hash(std::string_view text, bool fold_case) {
  constexpr std::uint64_t k = 0x9E3779B97F4A7C15ull, sevens = 0x7F7F7F7F7F7F7F7Full;
  constexpr std::uint64_t highs = 0x8080808080808080ull, ones = 0x0101010101010101ull;
  const auto fold = [&](std::uint64_t w) {
    if (!fold_case) return w;
    // Bytes 'A' to 'Z' gain 0x20; others (bytes of UTF-8 above 0x7F among them) are left alone.
    const std::uint64_t low7 = w & sevens;
    const std::uint64_t upper = (low7 + ones * (0x80 - 'A')) & ~(low7 + ones * (0x80 - 'Z' - 1)) & ~w & highs;
    return w | upper >> 2;
  };
  std::uint64_t h = text.size() * k;
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, text.data() + i, 8);
    h = (h ^ fold(w)) * k;
    h ^= h >> 29;
  }
  if (i < text.size()) {
    std::uint64_t w = 0;
    std::memcpy(&w, text.data() + i, text.size() - i);
    h = (h ^ fold(w)) * k;
    h ^= h >> 29;
  }
  h ^= h >> 32;
  h *= 0xD6E8FEB86659FD93ull;
  return h ^ h >> 32;
}

// HashSlots: an open-addressing multimap from 64-bit hashes to 32-bit values, eight bytes a
// slot (a 32-bit tag of the hash and the value), at most half full. The caller confirms a
// candidate against its own data; several values may share a hash. Candidates are offered
// newest first, as std::unordered_multimap offers equal keys, so that a lookup answers the same.
class HashSlots {
 public:
  void insert(std::uint64_t hash, std::uint32_t value) {
    if ((count_ + 1) * 2 > slots_.size()) grow();
    place(tag_of(hash), value);
    ++count_;
  }
  // The newest value of `hash` for which `is(value)` holds.
  template <class Is>
  std::optional<std::uint32_t> find(std::uint64_t hash, Is is) const {
    if (slots_.empty()) return std::nullopt;
    const std::uint32_t tag = tag_of(hash);
    const std::size_t mask = slots_.size() - 1;
    std::optional<std::uint32_t> found;
    for (std::size_t i = tag & mask; slots_[i].value != kEmpty; i = (i + 1) & mask)
      if (slots_[i].tag == tag && is(slots_[i].value)) found = slots_[i].value;
    return found;
  }
  void clear() {
    std::vector<Slot>().swap(slots_);
    count_ = 0;
  }

 private:
  static constexpr std::uint32_t kEmpty = 0xFFFFFFFF;
  struct Slot {
    std::uint32_t tag = 0, value = kEmpty;
  };
  static std::uint32_t tag_of(std::uint64_t hash) { return static_cast<std::uint32_t>(hash >> 32 ^ hash); }
  void place(std::uint32_t tag, std::uint32_t value) {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = tag & mask;
    while (slots_[i].value != kEmpty) i = (i + 1) & mask;
    slots_[i] = {tag, value};
  }
  void grow() {
    std::vector<Slot> old(std::max<std::size_t>(16, slots_.size() * 2));
    old.swap(slots_);
    if (old.empty()) return;
    // From an empty slot round: entries of one hash keep their order (oldest first) in the probe
    // sequence, which find() relies on.
    std::size_t start = 0;
    while (old[start].value != kEmpty) ++start;
    for (std::size_t k = 0; k < old.size(); ++k) {
      const Slot& slot = old[(start + k) % old.size()];
      if (slot.value != kEmpty) place(slot.tag, slot.value);
    }
  }
  std::vector<Slot> slots_;
  std::size_t count_ = 0;
};

// ObjectIndex: objects by SID, and by domain plus sAMAccountName, through hashes only; a hit is
// confirmed against the object itself, so that the index of a large domain costs a few bytes an
// object and no copy of its names.
class ObjectIndex {
 public:
  void add_sid(std::string_view sid, std::uint32_t index) { by_sid_.insert(text_hash(sid, false), index); }
  void add_name(std::string_view domain, std::string_view sam, std::uint32_t index) {
    by_name_.insert(name_hash(domain, sam), index);
  }
  // The object whose SID is `sid`: `is(index)` confirms a candidate.
  template <class Is>
  std::optional<std::uint32_t> find_sid(std::string_view sid, Is is) const {
    return by_sid_.find(text_hash(sid, false), is);
  }
  template <class Is>
  std::optional<std::uint32_t> find_name(std::string_view domain, std::string_view sam, Is is) const {
    return by_name_.find(name_hash(domain, sam), is);
  }
  void clear() {
    by_sid_.clear();
    by_name_.clear();
  }

 private:
  static std::uint64_t name_hash(std::string_view domain, std::string_view sam) {
    return text_hash(domain, true) * 31 + text_hash(sam, true);
  }
  HashSlots by_sid_, by_name_;
};

// Interner: each distinct text once, in blocks that never move, numbered from 0 in the order
// first seen; looked up through HashSlots.
class Interner {
 public:
  std::uint32_t intern(std::string_view text) {
    const std::uint64_t hash = text_hash(text, false);
    if (auto found = slots_.find(hash, [&](std::uint32_t id) { return texts_[id] == text; })) return *found;
    const auto id = static_cast<std::uint32_t>(texts_.size());
    texts_.push_back(store(text));
    slots_.insert(hash, id);
    return id;
  }
  [[nodiscard]] std::size_t size() const { return texts_.size(); }
  [[nodiscard]] std::string_view operator[](std::uint32_t id) const { return texts_[id]; }

 private:
  static constexpr std::size_t kBlock = std::size_t{1} << 20;
  std::string_view store(std::string_view text) {
    if (text.empty()) return {};
    if (text.size() > kBlock / 4) {  // a long text gets a block of its own
      large_.push_back(std::make_unique_for_overwrite<char[]>(text.size()));
      std::copy(text.begin(), text.end(), large_.back().get());
      return {large_.back().get(), text.size()};
    }
    if (blocks_.empty() || used_ + text.size() > kBlock) {
      blocks_.push_back(std::make_unique_for_overwrite<char[]>(kBlock));
      used_ = 0;
    }
    char* at = blocks_.back().get() + used_;
    std::copy(text.begin(), text.end(), at);
    used_ += text.size();
    return {at, text.size()};
  }
  std::vector<std::unique_ptr<char[]>> blocks_, large_;
  std::size_t used_ = 0;
  std::vector<std::string_view> texts_;
  HashSlots slots_;
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

  // Room for `count` accounts, when the sources say how many they hold: the accounts are then
  // allocated once, not grown by doubling (which holds the old and the new array at once).
  void reserve_accounts(std::size_t count) {
    try {
      facts_.accounts.reserve(count);
      extras_.reserve(count);
    } catch (const std::exception&) {  // a hint only: the vectors grow as they need
    }
  }

  // The facts, resolved; the builder is spent.
  ad::Facts finish();

 private:
  // SIDs and DNs that objects refer to are held once each and referred to by number: a large
  // domain has millions of memberships and few distinct groups.
  static constexpr std::uint32_t kNone = 0xFFFFFFFF;
  using Refs = std::vector<std::uint32_t>;
  std::uint32_t intern(std::string_view text) { return refs_.intern(text); }
  void intern_all(const std::vector<std::string>& texts, Refs& into);
  // What the facts do not keep of an account, while the import lasts. memberOf (LDIF only) is
  // held aside, so that the common account costs a few bytes here.
  struct AccountExtra {
    Rank rank = Rank::sharphound;
    std::uint8_t flags_given = 0;
    std::uint32_t dn = kNone;
    std::uint32_t member_of = kNone;  // an index into member_of_lists_
    std::uint32_t primary_group = kNone;
  };
  struct Group {
    std::string sam, domain, sid, source;
    std::uint32_t dn = kNone;
    Refs member_of, members;
  };
  void add_account(Record&& record);
  void add_group(Record&& record);
  void add_domain(std::string_view name, std::string_view sid, int functional_level);
  void merge_account(std::size_t index, Record&& record);
  void add_member_of(AccountExtra& extra, const Record& record);

  ad::Facts facts_;
  std::vector<AccountExtra> extras_;
  std::vector<Refs> member_of_lists_;
  std::vector<Group> groups_;
  std::optional<std::uint32_t> account_of_sid(std::string_view sid) const;
  std::optional<std::uint32_t> group_of_sid(std::string_view sid) const;
  std::optional<std::uint32_t> find_account(const Record& record) const;
  std::optional<std::uint32_t> find_group(const Record& record) const;
  ObjectIndex accounts_index_, groups_index_;
  Interner refs_;
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
