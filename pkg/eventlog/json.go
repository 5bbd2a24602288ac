package eventlog

import (
	"bytes"
	"encoding/json"
)

// encodeEnvelope marshals env without HTML escaping, so that the bytes are
// stable and readable ("Sở", "<", "&" stay as written).
func encodeEnvelope(env Envelope) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(env); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func decodeEnvelope(b []byte) (Envelope, error) {
	var env Envelope
	err := json.Unmarshal(b, &env)
	return env, err
}
