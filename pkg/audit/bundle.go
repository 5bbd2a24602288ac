package audit

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"

	"github.com/camket/camket/pkg/eventstore"
)

// BundleFormat names the bundle layout in its header line.
const BundleFormat = "camket.audit.bundle.v1"

// A bundle is JSON Lines: one header line, one line per event of the log in
// position order (checkpoints included: they are events of
// domain.CheckpointStream), and one end line. Data and metadata are the
// exact stored bytes, base64-encoded, so every hash recomputes offline.
type bundleLine struct {
	Kind string `json:"kind"` // "header", "event" or "end"

	// header
	Format              string    `json:"format,omitempty"`
	CreatedAt           time.Time `json:"created_at,omitzero"`
	ContiguousPositions bool      `json:"contiguous_positions,omitempty"`

	// event
	Position   eventstore.Position `json:"position,omitempty"`
	Stream     string              `json:"stream,omitempty"`
	Revision   uint64              `json:"revision,omitempty"`
	ID         string              `json:"id,omitempty"`
	Type       string              `json:"type,omitempty"`
	RecordedAt time.Time           `json:"recorded_at,omitzero"`
	Data       []byte              `json:"data,omitempty"`
	Metadata   []byte              `json:"metadata,omitempty"`

	// end: what the exporter verified
	Events      int                 `json:"events,omitempty"`
	Head        eventstore.Position `json:"head,omitempty"`
	Checkpoints int                 `json:"checkpoints,omitempty"`
	LogHash     string              `json:"log_hash,omitempty"`
}

// Export verifies the log read through r (see Verify) and writes it to w as
// a bundle that VerifyBundle checks with nothing else. It refuses to
// finish a bundle of a log that does not verify: it returns the *Break,
// and w holds a bundle without its end line, which VerifyBundle rejects.
func Export(ctx context.Context, r Reader, w io.Writer, now time.Time, opts Options) (Report, error) {
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	if err := enc.Encode(bundleLine{Kind: "header", Format: BundleFormat, CreatedAt: now.UTC(), ContiguousPositions: opts.ContiguousPositions}); err != nil {
		return Report{}, fmt.Errorf("audit: writing the bundle: %w", err)
	}
	rep, err := Verify(ctx, teeReader{r: r, enc: enc}, opts)
	if err != nil {
		if ferr := bw.Flush(); ferr != nil {
			return rep, errors.Join(err, ferr)
		}
		return rep, err
	}
	end := bundleLine{Kind: "end", Events: rep.Events, Head: rep.Head, Checkpoints: rep.Checkpoints, LogHash: rep.LogHash}
	if err := enc.Encode(end); err != nil {
		return rep, fmt.Errorf("audit: writing the bundle: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return rep, fmt.Errorf("audit: writing the bundle: %w", err)
	}
	return rep, nil
}

// teeReader writes every event it reads as a bundle line.
type teeReader struct {
	r   Reader
	enc *json.Encoder
}

func (t teeReader) ReadAll(ctx context.Context, after eventstore.Position, limit int) ([]eventstore.RecordedEvent, error) {
	events, err := t.r.ReadAll(ctx, after, limit)
	if err != nil {
		return nil, err
	}
	for _, ev := range events {
		line := bundleLine{
			Kind: "event", Position: ev.Position, Stream: ev.Stream, Revision: ev.Revision, ID: ev.ID.String(),
			Type: ev.Type, RecordedAt: ev.RecordedAt.UTC(), Data: ev.Data, Metadata: ev.Metadata,
		}
		if err := t.enc.Encode(line); err != nil {
			return nil, fmt.Errorf("audit: writing the bundle: %w", err)
		}
	}
	return events, nil
}

// VerifyBundle checks a bundle written by Export with no store and no
// server: every event and checkpoint as Verify does, then the end line
// against what it recomputed (so a bundle cut short is found). It returns
// the report, a *Break for a broken link, or an error naming the bundle
// line that does not parse.
func VerifyBundle(ctx context.Context, r io.Reader) (Report, error) {
	br := &bundleReader{in: bufio.NewReaderSize(r, 1<<16)}
	header, err := br.next()
	if err != nil {
		return Report{}, err
	}
	if header.Kind != "header" || header.Format != BundleFormat {
		return Report{}, fmt.Errorf("audit: bundle line 1 is not a %s header", BundleFormat)
	}
	rep, err := Verify(ctx, br, Options{ContiguousPositions: header.ContiguousPositions})
	if err != nil {
		return rep, err
	}
	if br.end == nil {
		return rep, fmt.Errorf("audit: the bundle ends after line %d without its end line: it was cut short", br.line)
	}
	end := br.end
	if end.Events != rep.Events || end.Head != rep.Head || end.Checkpoints != rep.Checkpoints || end.LogHash != rep.LogHash {
		return rep, fmt.Errorf("audit: the bundle's end line says %d events to position %d, %d checkpoints, log hash %s; its events give %d to position %d, %d checkpoints, log hash %s",
			end.Events, end.Head, end.Checkpoints, short(end.LogHash), rep.Events, rep.Head, rep.Checkpoints, short(rep.LogHash))
	}
	return rep, nil
}

// bundleReader reads a bundle's event lines in order, as Verify asks for
// them, and keeps the end line when it comes.
type bundleReader struct {
	in   *bufio.Reader
	line int
	end  *bundleLine
}

// next returns the next line, or an error naming it.
func (b *bundleReader) next() (bundleLine, error) {
	raw, err := b.in.ReadBytes('\n')
	if err == io.EOF && len(raw) == 0 {
		return bundleLine{}, io.EOF
	}
	b.line++
	if err != nil && err != io.EOF {
		return bundleLine{}, fmt.Errorf("audit: reading bundle line %d: %w", b.line, err)
	}
	var l bundleLine
	if err := json.Unmarshal(raw, &l); err != nil {
		return bundleLine{}, fmt.Errorf("audit: bundle line %d does not parse: %v", b.line, err)
	}
	return l, nil
}

// ReadAll returns the next up to limit events; after is where Verify
// stands, which is where the previous call ended.
func (b *bundleReader) ReadAll(_ context.Context, _ eventstore.Position, limit int) ([]eventstore.RecordedEvent, error) {
	var out []eventstore.RecordedEvent
	for len(out) < limit && b.end == nil {
		l, err := b.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch l.Kind {
		case "end":
			b.end = &l
			if _, err := b.next(); err != io.EOF {
				return nil, fmt.Errorf("audit: bundle line %d follows the end line", b.line)
			}
			continue
		case "event":
		default:
			return nil, fmt.Errorf("audit: bundle line %d is a %q line where an event belongs", b.line, l.Kind)
		}
		id, err := uuid.Parse(l.ID)
		if err != nil {
			return nil, fmt.Errorf("audit: bundle line %d: event id: %v", b.line, err)
		}
		out = append(out, eventstore.RecordedEvent{
			ID: id, Stream: l.Stream, Type: l.Type, Data: l.Data, Metadata: l.Metadata,
			Revision: l.Revision, Position: l.Position, RecordedAt: l.RecordedAt,
		})
	}
	return out, nil
}
