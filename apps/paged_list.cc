#include "paged_list.h"

namespace scepgate::app {

void AddPageFlags(CLI::App& list, PageFlags& flags, const char* what, int one_page_default,
                  bool all_flag) {
  flags.limit = one_page_default;
  const std::string every = "every " + std::string(what) + ", read a page at a time";
  CLI::Option* limit = list.add_option(
      "--limit", flags.limit,
      "one page of at most this many; when it is full, the cursor of the next page is printed "
      "on stderr (default: " +
          (one_page_default > 0 ? std::to_string(one_page_default) + ", the newest" : every) + ")");
  limit->check(CLI::NonNegativeNumber);
  list.add_option("--cursor", flags.cursor,
                  "start after this cursor (printed by a --limit run as 'more: --cursor X')");
  if (!all_flag) return;
  list.add_flag_callback(
          "--all",
          [&flags] {
            flags.all = true;
            flags.limit = 0;
          },
          one_page_default > 0 ? every : every + " (the default)")
      ->excludes(limit);
}

}  // namespace scepgate::app
