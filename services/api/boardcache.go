package api

import (
	"sync"

	"github.com/camket/camket/pkg/eventstore"
)

// boardCache keeps the encoded answers of board queries while the
// projection stands still: a board is a function of the query and the log
// up to the projection's position, so an answer is reused until the
// position moves, and the whole cache is dropped then.
type boardCache struct {
	mu       sync.Mutex
	position eventstore.Position
	answers  map[string][]byte
}

// maxCachedBoards bounds the answers kept for one position.
const maxCachedBoards = 256

func (bc *boardCache) get(key string, pos eventstore.Position) ([]byte, bool) {
	bc.mu.Lock()
	defer bc.mu.Unlock()
	if bc.position != pos {
		return nil, false
	}
	b, ok := bc.answers[key]
	return b, ok
}

func (bc *boardCache) put(key string, pos eventstore.Position, body []byte) {
	bc.mu.Lock()
	defer bc.mu.Unlock()
	if bc.position != pos || bc.answers == nil || len(bc.answers) >= maxCachedBoards {
		bc.position, bc.answers = pos, map[string][]byte{}
	}
	bc.answers[key] = body
}
