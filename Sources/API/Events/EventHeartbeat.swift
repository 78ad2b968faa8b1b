import ServiceLifecycle

/// Sends the `: heartbeat` comment to every open event stream every 15 s (docs/api.md
/// "Live events"), so proxies keep idle streams open and gone clients are noticed.
struct EventHeartbeat: Service {
    let hub: EventHub
    var interval: Duration = .seconds(15)

    func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled else { return }
                hub.sendHeartbeat()
            }
        }
    }
}
