import ArgumentParser
import CascadeKit
import Foundation

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a commented starter scenario that validates.",
        discussion: """
            A volatile day with a crash, on a venue's rules (--venue) or flat rules, for one to \
            \(ScenarioTemplate.maximumAssets) assets (--assets). Every number is a round illustration, said so in the \
            file: replace each with your market's. Without FILE the scenario is printed.
            """)

    @Option(help: "A venue preset: \(VenuePreset.names.joined(separator: ", ")) (default: flat rules).")
    var venue: String?

    @Option(help: "Number of assets, 1 to \(ScenarioTemplate.maximumAssets).")
    var assets: Int = 1

    @Flag(help: "Replace FILE if it exists.")
    var force = false

    @Argument(help: "The file to write (default: print to standard output).")
    var file: String?

    func run() throws {
        let text: String
        do {
            text = try ScenarioTemplate.text(venue: venue, assets: assets)
        } catch { throw fail(error.description) }
        guard let file else {
            print(text, terminator: "")
            return
        }
        let url = URL(fileURLWithPath: file)
        if FileManager.default.fileExists(atPath: url.path) && !force {
            throw fail("\(file): exists; expected a new file name, or --force to replace it")
        }
        // Written beside the target and renamed over it: never half a file.
        let staged = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).cascade-init-\(getpid())")
        do {
            try writeReplacing(Data(text.utf8), to: url, stagedAs: staged)
        } catch {
            switch error {
            case .write: throw fail("\(file): cannot be written (the directory is missing or not writable)")
            case let .rename(reason): throw fail("\(file): cannot be written (\(reason))")
            }
        }
        print("wrote \(file): \(assets) asset\(assets > 1 ? "s" : "") on \(venue ?? "flat") rules; check it with cascade validate \(file)")
    }
}
