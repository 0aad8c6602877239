import ArgumentParser
import CascadeKit

struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the JSON Schema of scenario files (or, with --markdown, the key reference).",
        discussion: """
            The schema is docs/scenario.schema.json, generated from the same reference as the key \
            tables of docs/scenarios.md. An editor that validates YAML against a JSON Schema checks \
            keys, types, allowed words and bounds as you type; `cascade validate` checks those and \
            the rules between keys.
            """)

    @Flag(help: "Print the key reference of docs/scenarios.md as Markdown instead.")
    var markdown = false

    func run() throws {
        print(markdown ? ScenarioReferenceMarkdown.text : ScenarioSchema.json, terminator: "")
    }
}
