package alerter_test

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	apispec "github.com/camket/camket/api"
	"github.com/camket/camket/pkg/alert"
	"github.com/camket/camket/services/alerter"
	"github.com/camket/camket/services/natsbus"
)

// api/asyncapi.yaml documents what the alerter really publishes: the
// subjects of alert.Subject and every field of alerter.Message.
func TestAsyncAPIMatchesWhatIsPublished(t *testing.T) {
	var doc struct {
		AsyncAPI string `yaml:"asyncapi"`
		Info     struct{ Description string }
		Channels map[string]struct {
			Address string
		}
		Components struct {
			Schemas map[string]struct {
				Required   []string
				Properties map[string]struct {
					Required   []string
					Properties map[string]any
				}
			}
		}
	}
	if err := yaml.Unmarshal(apispec.AsyncAPI, &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.AsyncAPI, "3.") {
		t.Fatalf("asyncapi version %q", doc.AsyncAPI)
	}
	addresses := map[string]bool{}
	for _, c := range doc.Channels {
		addresses[c.Address] = true
	}
	for _, want := range []string{
		alert.Subject("{unitCode}", "{kind}"),
		alert.Subject(alert.Office, "{kind}"),
	} {
		if !addresses[want] {
			t.Errorf("asyncapi has no channel %s (has %v)", want, addresses)
		}
	}
	if !strings.Contains(doc.Info.Description, natsbus.AlertStream) {
		t.Errorf("asyncapi does not name the stream %s", natsbus.AlertStream)
	}

	// Every field the alerter writes is in the schema, and every required
	// field is written.
	full := alerter.Message{Alert: alert.Alert{Item: alert.Item{TaskID: "t", Number: "1", Occurrence: "2026-03",
		CommitmentID: "c", IndicatorID: "i", DocumentID: "d", Document: "2544/UBND-NC"}}}
	b, _ := json.Marshal(full)
	var written map[string]any
	if err := json.Unmarshal(b, &written); err != nil {
		t.Fatal(err)
	}
	schema := doc.Components.Schemas["AlertMessage"]
	keys := func(m map[string]any) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	var documented []string
	for k := range schema.Properties {
		documented = append(documented, k)
	}
	sort.Strings(documented)
	if got := keys(written); !slices.Equal(got, documented) {
		t.Errorf("payload fields %v\ndocumented     %v", got, documented)
	}
	req := append([]string(nil), schema.Required...)
	sort.Strings(req)
	if !slices.Equal(req, documented) {
		t.Errorf("required %v, want every field %v", req, documented)
	}
	itemWritten := keys(written["item"].(map[string]any))
	var itemDocumented []string
	for k := range schema.Properties["item"].Properties {
		itemDocumented = append(itemDocumented, k)
	}
	sort.Strings(itemDocumented)
	if !slices.Equal(itemWritten, itemDocumented) {
		t.Errorf("item fields %v\ndocumented  %v", itemWritten, itemDocumented)
	}
}
