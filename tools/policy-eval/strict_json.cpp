#include "strict_json.hpp"

#include <fmt/format.h>

#include <functional>
#include <set>
#include <vector>

namespace policy_eval {
namespace {

// Watches nlohmann's parse events, knowing the path of the value being read.
class StrictJsonCheck {
 public:
  bool operator()(int depth, Json::parse_event_t event, Json& parsed) {
    using E = Json::parse_event_t;
    if (error) return false;
    switch (event) {
      case E::object_start:
      case E::array_start:
        if (static_cast<std::size_t>(depth) >= kMaxFileDepth) {
          fail(fmt::format("the JSON is nested deeper than {} levels", kMaxFileDepth));
          return false;
        }
        levels_.emplace_back().object = event == E::object_start;
        break;
      case E::object_end:
      case E::array_end:
        if (!levels_.empty()) levels_.pop_back();
        value_read();
        break;
      case E::key: {
        if (levels_.empty()) break;
        Level& object = levels_.back();
        object.key = parsed.get<std::string>();
        object.in_value = true;
        if (!object.keys.insert(object.key).second) {
          fail(
              fmt::format("duplicate key {}: an object may name a field only once", Json(object.key).dump()));
          return false;
        }
        break;
      }
      case E::value: value_read(); break;
    }
    return true;
  }

  std::optional<StrictJsonError> error;

 private:
  struct Level {
    bool object = true;
    bool in_value = false;  // an object: after a key, until its value is read
    std::size_t index = 0;  // an array: the element being read
    std::string key;
    std::set<std::string, std::less<>> keys;
  };

  void value_read() {
    if (levels_.empty()) return;
    Level& level = levels_.back();
    if (level.object) {
      level.in_value = false;
    } else {
      ++level.index;
    }
  }

  void fail(const std::string& problem) {
    std::optional<std::size_t> record;
    std::string field;
    for (std::size_t i = 0; i < levels_.size(); ++i) {
      const Level& level = levels_[i];
      if (!level.object) {
        if (i == 0) {
          record = level.index;
        } else {
          field += fmt::format("[{}]", level.index);
        }
      } else if (level.in_value) {
        field += (field.empty() ? "" : ".") + level.key;
      } else {
        break;  // between two fields of this object: nothing deeper is open
      }
    }
    error.emplace(record, std::move(field), problem);
  }

  std::vector<Level> levels_;
};

}  // namespace

Json parse_strict_json(std::string_view text) {
  StrictJsonCheck check;
  Json value = Json::parse(text, std::ref(check));
  if (check.error) throw *check.error;
  return value;
}

}  // namespace policy_eval
