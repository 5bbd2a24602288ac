package eventlog

import (
	"container/list"
	"sync"

	"github.com/camket/camket/pkg/domain"
)

// streamCache keeps the decoded events of recently loaded streams, so that
// loading an aggregate again folds them without reading and decoding them
// from the store. It is only a cache: every Load still reads the stream's
// tail after the cached revision from the store, so events appended by
// another process are never missed.
type streamCache struct {
	mu      sync.Mutex
	max     int // streams kept
	entries map[string]*list.Element
	lru     *list.List // front: most recently used
}

type cachedStream struct {
	stream  string
	events  []domain.Recorded
	version Version
}

func newStreamCache(max int) *streamCache {
	return &streamCache{max: max, entries: map[string]*list.Element{}, lru: list.New()}
}

// get returns the cached events and version of stream. The events slice
// must not be modified.
func (c *streamCache) get(stream string) ([]domain.Recorded, Version, bool) {
	if c == nil {
		return nil, Version{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[stream]
	if !ok {
		return nil, Version{}, false
	}
	c.lru.MoveToFront(el)
	e := el.Value.(*cachedStream)
	return e.events, e.version, true
}

// put records stream's events up to version, unless a newer version is
// already cached. It keeps the slice it is given.
func (c *streamCache) put(stream string, events []domain.Recorded, v Version) {
	if c == nil || !v.Exists {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[stream]; ok {
		e := el.Value.(*cachedStream)
		if e.version.Revision < v.Revision {
			e.events, e.version = events, v
		}
		c.lru.MoveToFront(el)
		return
	}
	c.entries[stream] = c.lru.PushFront(&cachedStream{stream: stream, events: events, version: v})
	for c.lru.Len() > c.max {
		old := c.lru.Back()
		c.lru.Remove(old)
		delete(c.entries, old.Value.(*cachedStream).stream)
	}
}
