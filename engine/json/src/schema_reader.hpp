// Internal: the fast reader of a request's fields, generated from its schema (wcfpolicy/fields.hpp).
//
// The strict reader (request_json.cpp) walks the schema and looks each field up in the parsed
// object, then checks every member against the fields it read: correct, with precise errors, but
// it compares every schema key with the object's keys. The fast reader walks the object's members
// once instead: each key is found in a table built once from the schema's paths (a perfect hash
// on the key's length and three of its bytes, checked by comparing the key), and its value goes
// straight through the field's typed setter. It says nothing about errors: on anything it does
// not accept (an unknown key, a value of the wrong type, a name outside the allowed ones, an
// empty set, a missing required field) it gives up, and the strict reader reads the request again
// and names the error, so the messages stay the strict reader's, byte for byte. On a request it
// accepts, both readers set the same fields to the same values (tests/test_json_fast_reader.cpp
// checks this over generated and mutated requests).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "json_text.hpp"
#include "wcfpolicy/fields.hpp"

namespace wcfpolicy::detail {

// KeyTable: the keys of one JSON object of a schema, each with a small payload, found by a
// perfect hash when one exists for these keys (else by a linear search: slower, never wrong).
class KeyTable {
 public:
  static constexpr std::uint16_t kNone = 0xFFFF;

  void build(std::vector<std::pair<std::string_view, std::uint16_t>> entries) {
    entries_ = std::move(entries);
    for (std::uint32_t m1 = 1; m1 < 64 && !hashed_; ++m1) {
      for (std::uint32_t m2 = 0; m2 < 64 && !hashed_; ++m2) {
        for (std::uint32_t m3 = 0; m3 < 16 && !hashed_; ++m3) {
          multipliers_ = {m1, m2, m3};
          slots_.fill(kNone);
          bool collision = false;
          for (std::size_t i = 0; i < entries_.size() && !collision; ++i) {
            std::uint16_t& slot = slots_[hash(entries_[i].first)];
            collision = slot != kNone;
            slot = static_cast<std::uint16_t>(i);
          }
          hashed_ = !collision;
        }
      }
    }
  }

  // The payload of `key`, or kNone.
  [[nodiscard]] std::uint16_t find(std::string_view key) const noexcept {
    if (hashed_) {
      if (key.empty()) return kNone;
      const std::uint16_t i = slots_[hash(key)];
      return i != kNone && same_text(entries_[i].first, key) ? entries_[i].second : kNone;
    }
    for (const auto& [k, payload] : entries_)
      if (same_text(k, key)) return payload;
    return kNone;
  }

 private:
  static constexpr std::size_t kSlots = 128;
  [[nodiscard]] std::size_t hash(std::string_view key) const noexcept {
    if (key.empty()) return 0;
    const auto at = [&](std::size_t i) {
      return static_cast<std::uint32_t>(static_cast<unsigned char>(key[i]));
    };
    const std::uint32_t h = static_cast<std::uint32_t>(key.size()) * 131u + at(0) * multipliers_[0] +
                            at(key.size() - 1) * multipliers_[1] + at(key.size() / 2) * multipliers_[2];
    return (h ^ (h >> 7)) % kSlots;
  }

  std::vector<std::pair<std::string_view, std::uint16_t>> entries_;
  std::array<std::uint16_t, kSlots> slots_{};
  std::array<std::uint32_t, 3> multipliers_{};
  bool hashed_ = false;
};

// FastSchema<Request>: the objects of Request's JSON shape, each with the table of its keys: a
// key names a field of the schema (payload: the field's index) or a plain container, an object
// the schema does not declare (payload: kContainer + the container's level).
template <class Request>
class FastSchema {
 public:
  static const FastSchema& get() {
    static const FastSchema schema;
    return schema;
  }

  // Reads `object` as the request's top level; false when the fast reader gives up.
  bool read(JsonValue object, Request& request) const { return read_level(object, 0, request); }

 private:
  static constexpr std::uint16_t kContainer = 0x8000;
  static constexpr std::uint16_t kQuestion = 0x7FFF;  // "question" at the top: read before

  struct Level {
    std::string_view path;  // a view of the schema's static text
    KeyTable keys;
    // The fields that must be given when this object is (required_in_parent): their indexes.
    std::vector<std::uint16_t> required;
  };

  static std::string_view parent_of(std::string_view path) noexcept {
    const std::size_t dot = path.rfind('.');
    return dot == std::string_view::npos ? std::string_view{} : path.substr(0, dot);
  }

  FastSchema() {
    const auto& fields = fields_of<Request>;
    // Every object above a field, declared (an object field) or not (a container), top first.
    std::vector<std::string_view> paths{""};
    for (const Field<Request>& field : fields) {
      std::vector<std::string_view> above;
      for (std::string_view parent = field.parent(); !parent.empty(); parent = parent_of(parent))
        above.push_back(parent);
      if (field.kind == FieldKind::object) above.insert(above.begin(), field.path);
      for (auto it = above.rbegin(); it != above.rend(); ++it)
        if (std::find(paths.begin(), paths.end(), *it) == paths.end()) paths.push_back(*it);
    }
    levels_.resize(paths.size());
    for (std::size_t l = 0; l < paths.size(); ++l) {
      Level& level = levels_[l];
      level.path = paths[l];
      std::vector<std::pair<std::string_view, std::uint16_t>> entries;
      if (l == 0) entries.emplace_back("question", kQuestion);
      for (std::size_t i = 0; i < fields.size(); ++i) {
        if (fields[i].parent() != level.path) continue;
        entries.emplace_back(fields[i].key(), static_cast<std::uint16_t>(i));
        if (!fields[i].required_in_parent.empty()) level.required.push_back(static_cast<std::uint16_t>(i));
      }
      // The containers directly below: the objects one segment down that no field declares.
      for (std::size_t c = 1; c < paths.size(); ++c) {
        if (parent_of(paths[c]) != level.path || find_field<Request>(paths[c]) != nullptr) continue;
        const std::string_view key = level.path.empty() ? paths[c] : paths[c].substr(level.path.size() + 1);
        entries.emplace_back(key, static_cast<std::uint16_t>(kContainer | c));
      }
      level.keys.build(std::move(entries));
    }
    child_of_.assign(fields.size(), 0);
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].kind != FieldKind::object) continue;
      const auto it = std::find(paths.begin(), paths.end(), fields[i].path);
      child_of_[i] = static_cast<std::uint16_t>(it - paths.begin());  // every object field has its level
    }
  }

  // The index of `text` among `names`, or -1.
  static int name_index(std::span<const std::string_view> names, std::string_view text) noexcept {
    for (std::size_t i = 0; i < names.size(); ++i)
      if (same_text(names[i], text)) return static_cast<int>(i);
    return -1;
  }

  bool read_level(JsonValue object, std::size_t level_index, Request& request) const {
    const Level& level = levels_[level_index];
    std::uint64_t given = 0;  // the required fields given, by their place in level.required
    for (const JsonValue member : object) {
      const std::uint16_t entry = level.keys.find(member.key());
      if (entry == KeyTable::kNone) return false;
      if (member.is_null() || entry == kQuestion) continue;
      if ((entry & kContainer) != 0) {
        if (!member.is_object() || !read_level(member, entry & ~kContainer, request)) return false;
        continue;
      }
      const Field<Request>& field = fields_of<Request>[entry];
      if (!read_value(field, entry, member, request)) return false;
      for (std::size_t r = 0; r < level.required.size(); ++r)
        if (level.required[r] == entry) given |= std::uint64_t{1} << r;
    }
    return given == (std::uint64_t{1} << level.required.size()) - 1;  // at most a few per object
  }

  bool read_value(const Field<Request>& field, std::size_t index, JsonValue value, Request& request) const {
    switch (field.kind) {
      case FieldKind::boolean:
        if (!value.is_boolean()) return false;
        field.set(request, FieldValue::of(value.boolean() ? 1u : 0u));
        return true;
      case FieldKind::enumeration: {
        if (!value.is_string()) return false;
        const int i = name_index(field.values, value.text());
        if (i < 0) return false;
        field.set(request, FieldValue::of(static_cast<std::uint32_t>(i)));
        return true;
      }
      case FieldKind::enum_set: {
        if (!value.is_array() || (value.size() == 0 && !field.empty_problem.empty())) return false;
        std::uint32_t set = 0;
        for (const JsonValue item : value) {
          if (!item.is_string()) return false;
          const int i = name_index(field.values, item.text());
          if (i < 0 || (set & (1u << i)) != 0) return false;
          set |= 1u << i;
        }
        field.set(request, FieldValue::of(set));
        return true;
      }
      case FieldKind::version: {
        if (!value.is_string()) return false;
        const std::optional<WinrmVersion> version = parse_winrm_version(value.text());
        if (!version) return false;
        field.set(request, FieldValue::of(static_cast<std::uint32_t>(version->major) << 16 | version->minor));
        return true;
      }
      case FieldKind::object:
        if (!value.is_object()) return false;
        field.set(request, FieldValue::of(1));
        return read_level(value, child_of_[index], request);
    }
    return false;
  }

  std::vector<Level> levels_;
  std::vector<std::uint16_t> child_of_;  // by field index: the level of an object field
};

}  // namespace wcfpolicy::detail
