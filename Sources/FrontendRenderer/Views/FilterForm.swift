import DashboardCore

/// The fleet filter as a GET form (so it works without JavaScript) and the line that shows
/// the filter in force, each part removable (docs/dashboard.md).
enum FilterForm {
    /// The form for `path`: tag, status and — unless `search` is false — the name part, plus
    /// `hidden` fields the page keeps (the dashboard's view and sort).
    static func render(path: String, filter: FleetFilter, tags: [String], hidden: [(String, String?)] = []) -> HTML {
        let keep = HTML.join(hidden.filter { $0.1 != nil }) { pair in
            "<input type=\"hidden\" name=\"\(pair.0)\" value=\"\(pair.1)\">"
        }
        return """
            <form class="filters" method="get" action="\(path)" role="search" aria-label="Filter servers" id="fleet-filter">\
            \(fields(filter: filter, tags: tags, search: true))\(keep)<button type="submit" class="primary">Filter</button></form>
            """
    }

    /// The tag and status selects and the name field, for a page's own form too.
    static func fields(filter: FleetFilter, tags: [String], search: Bool) -> HTML {
        var names = tags
        if let tag = filter.tag, !names.contains(tag) { names.insert(tag, at: 0) }
        let tagOptions = HTML.join(names) { tag in
            let shown = HostText.clean(tag, maximumBytes: Components.maximumTagBytes).text
            return tag == filter.tag ? "<option value=\"\(tag)\" selected>\(shown)</option>" : "<option value=\"\(tag)\">\(shown)</option>"
        }
        let statusOptions = HTML.join(DashboardView.statusOrder) { status in
            status == filter.status
                ? "<option value=\"\(status.rawValue)\" selected>\(status.rawValue)</option>"
                : "<option value=\"\(status.rawValue)\">\(status.rawValue)</option>"
        }
        let name: HTML =
            search
            ? """
            <label>Name contains<input type="search" name="q" value="\(filter.search)" maxlength="\(FleetFilter.maximumSearchLength)"></label>
            """
            : .empty
        return """
            <label>Tag<select name="tag"><option value="">All tags</option>\(tagOptions)</select></label>\
            <label>Server status<select name="status"><option value="">Any status</option>\(statusOptions)</select></label>\(name)
            """
    }

    /// "Showing 3 of 12 servers: tag web ✕ · status critical ✕ — Clear": nothing when the filter narrows nothing.
    /// `link` builds the page's URL for a changed filter.
    static func current(filter: FleetFilter, shown: Int, total: Int, noun: String = "servers", link: ((inout FleetFilter) -> Void) -> String) -> HTML {
        guard filter.narrows else { return .empty }
        var parts: [HTML] = []
        if let tag = filter.tag {
            parts.append(chip("tag", HostText.clean(tag, maximumBytes: Components.maximumTagBytes).text, link { $0.tag = nil }))
        }
        if let status = filter.status { parts.append(chip("status", status.rawValue, link { $0.status = nil })) }
        if let search = filter.search { parts.append(chip("name contains", search, link { $0.search = nil })) }
        let clear = link {
            $0.tag = nil
            $0.status = nil
            $0.search = nil
        }
        return """
            <p class="current-filter" id="current-filter" role="status">Showing <b>\(shown)</b> of \(total) \(noun), filtered by \
            \(parts) <a class="button" id="clear-filter" href="\(clear)">Clear the filter</a></p>
            """
    }

    /// One part of the filter, as a link that removes it.
    private static func chip(_ label: String, _ value: String, _ href: String) -> HTML {
        "<a class=\"chip\" href=\"\(href)\" aria-label=\"Remove the filter \(label): \(value)\">\(label): \(value) <span aria-hidden=\"true\">✕</span></a> "
    }
}
