import Foundation
import Testing
@testable import CascadeKit

@Suite("Starter scenarios")
struct ScenarioTemplateTests {
    @Test("every venue and asset count gives a scenario that loads, with those assets and rules",
          arguments: [nil] + VenuePreset.names.map(Optional.some))
    func validates(_ venue: String?) throws {
        for count in [1, 2, 3, 4, ScenarioTemplate.maximumAssets] {
            let text = try ScenarioTemplate.text(venue: venue, assets: count)
            let loaded = try ScenarioLoader.load(yaml: text, file: "starter.yaml", directory: ScenarioText.temporaryDirectory())
            #expect(loaded.config.assets.count == count)
            #expect(loaded.scenario.exchange.preset == venue)
            #expect(loaded.config.positionCount == 20_000 * count)
        }
    }

    @Test("an unknown venue and an asset count out of range are refused, naming the option")
    func refused() {
        #expect(throws: ScenarioTemplate.Problem.unknownVenue("binance")) { try ScenarioTemplate.text(venue: "binance", assets: 1) }
        #expect(throws: ScenarioTemplate.Problem.assetCount(0)) { try ScenarioTemplate.text(venue: nil, assets: 0) }
        #expect(ScenarioTemplate.Problem.assetCount(9).description == "--assets: 9 is out of range; expected 1 to 8")
    }
}
