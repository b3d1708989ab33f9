package server

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/s2"

	"dadirectory/internal/site"
)

// keptPages keeps whole pages as drawn for visitors who are not signed in, so the next
// visitor asking the same address gets the same bytes without a search or a template.
//
// Why it is safe: such a page depends only on its address, on the directory's data (which
// moves the index version with every change, on every instance: index_listen.go) and on the
// site settings. Entries carry both and are never served once either has moved on, or while
// the index is out of touch with the database. Only 200 answers to GET are kept, and only
// for routes whose pages hold nothing else (no time of day, no person, no form token).
//
// Why: an agency page or a popular search is the same bytes for every member of the public
// until the data changes, a few times a day; drawing it costs a search and a template, while
// sending kept bytes costs little more than a static file (BENCHMARKS.md, issue 18). Pages are
// kept as they are when small (an agency page) and in S2 when larger, which unpacks ten times
// faster than gzip (a page of results in microseconds, where gunzip takes longer than drawing
// it) at a third of the page's size. The gzipped form, which nearly every browser asks for, is
// made when a browser first asks for it and kept beside, which also saves compressing each
// answer: a client that never asks for it never pays for it.
type keptPages struct {
	mu       sync.RWMutex
	version  uint64
	settings site.Settings
	pages    map[string]*keptPage
	size     int // bytes kept, in every form
}

// keptPage is one page: plain when the page is small, else s2; gz once a browser asked.
type keptPage struct {
	key   string
	plain []byte
	s2    []byte
	gz    atomic.Pointer[[]byte]
}

// size is the memory the page holds: the capacity of its slices, not their length, since a
// slice keeps its whole array alive.
func (p *keptPage) size() int {
	n := len(p.key) + cap(p.plain) + cap(p.s2)
	if gz := p.gz.Load(); gz != nil {
		n += cap(*gz)
	}
	return n
}

const (
	// keptPagesMax bounds the memory kept pages use: about 1,000 agency pages in both forms,
	// or 750 pages of results. It is part of the 150 MB the service stays under.
	keptPagesMax = 8 << 20
	// keptPlainMax is the largest page also kept as it is, for clients that do not take gzip:
	// an agency page is about 7 KB, a page of search results 25 KB.
	keptPlainMax = 12 << 10
	// keptKeyMax is the longest address kept; a longer one is drawn each time.
	keptKeyMax = 512
)

func (c *keptPages) get(key string, version uint64, settings site.Settings) *keptPage {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.version != version || c.settings != settings {
		return nil
	}
	return c.pages[key]
}

// put keeps body, drawn while the data was at version and the settings were settings. A
// newer version or other settings empty the cache first; an older one is not kept. When the
// cache is full, pages chosen at random make room.
func (c *keptPages) put(key string, version uint64, settings site.Settings, body []byte) {
	p := &keptPage{key: key}
	if len(body) <= keptPlainMax {
		p.plain = bytes.Clone(body)
	} else {
		p.s2 = packS2(body)
	}
	need := p.size()
	if need > keptPagesMax/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if version < c.version {
		return
	}
	if version > c.version || c.settings != settings || c.pages == nil {
		c.version, c.settings, c.pages, c.size = version, settings, map[string]*keptPage{}, 0
	}
	if old, ok := c.pages[key]; ok {
		c.size -= old.size()
		delete(c.pages, key)
	}
	c.makeRoom(need)
	c.pages[key] = p
	c.size += need
}

// makeRoom drops pages chosen at random until need more bytes fit. Callers hold c.mu.
func (c *keptPages) makeRoom(need int) {
	for k, old := range c.pages { // map order is random enough to spread the evictions
		if c.size+need <= keptPagesMax {
			return
		}
		c.size -= old.size()
		delete(c.pages, k)
	}
}

// gzipFor is p gzipped, made and kept the first time a browser asks for it. Two browsers
// asking at once may both make it; the bytes are the same.
func (c *keptPages) gzipFor(p *keptPage, plain []byte) []byte {
	if gz := p.gz.Load(); gz != nil {
		return *gz
	}
	gz := gzipped(plain)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pages[p.key] == p && p.gz.Load() == nil { // still kept: count what it now holds
		c.makeRoom(cap(gz))
		if c.pages[p.key] == p {
			p.gz.Store(&gz)
			c.size += cap(gz)
		}
	}
	return gz
}

// packS2 is body in S2, in a slice of its own length. s2.Encode returns a slice of a buffer
// sized for the worst case, a little more than the page itself: kept as it is, a 25 KB page
// packed to 7 KB held all 30 KB, and kept pages took three times their bound (measured).
func packS2(body []byte) []byte {
	buf := buffers.Get().(*bytes.Buffer)
	defer buffers.Put(buf)
	buf.Reset()
	buf.Grow(s2.MaxEncodedLen(len(body)))
	return bytes.Clone(s2.Encode(buf.AvailableBuffer()[:s2.MaxEncodedLen(len(body))], body))
}

func gzipped(body []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	_, _ = zw.Write(body)
	_ = zw.Close()
	return bytes.Clone(buf.Bytes())
}

// keepPublicPages serves the route from keptPages to visitors who are not signed in, and
// keeps what the route draws for them.
func (s *Server) keepPublicPages(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.URL.RequestURI()
		_, signedIn := currentUser(r.Context())
		if signedIn || (r.Method != http.MethodGet && r.Method != http.MethodHead) || len(key) > keptKeyMax {
			next.ServeHTTP(w, r)
			return
		}
		version, fresh := s.directory.Version()
		settings, err := s.site.Get(r.Context())
		if !fresh || err != nil {
			next.ServeHTTP(w, r)
			return
		}
		if p := s.pages.get(key, version, settings); p != nil {
			s.pages.serve(w, r, p)
			return
		}
		if r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		h := w.Header()
		if rec.status == http.StatusOK && h.Get("Set-Cookie") == "" && strings.HasPrefix(h.Get("Content-Type"), "text/html") {
			s.pages.put(key, version, settings, rec.body.Bytes())
		}
	})
}

// serve writes the kept page as render would: gzipped to clients that take it.
func (c *keptPages) serve(w http.ResponseWriter, r *http.Request, p *keptPage) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Add("Vary", "Accept-Encoding")
	body := p.plain
	if body == nil {
		buf := buffers.Get().(*bytes.Buffer)
		defer buffers.Put(buf)
		n, err := s2.DecodedLen(p.s2)
		if err == nil {
			buf.Reset()
			buf.Grow(n)
			body, err = s2.Decode(buf.AvailableBuffer()[:n], p.s2)
		}
		if err != nil { // cannot happen: the bytes were packed here
			http.Error(w, "", http.StatusInternalServerError)
			return
		}
	}
	if acceptsGzip(r.Header.Get("Accept-Encoding")) {
		body = c.gzipFor(p, body)
		h.Set("Content-Encoding", "gzip") // the compression middleware leaves it alone
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// acceptsGzip reads an Accept-Encoding header: gzip named with a weight above 0, or not
// named and * allowed.
func acceptsGzip(header string) bool {
	gz, star := -1.0, -1.0
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(part, ";")
		q := 1.0
		for param := range strings.SplitSeq(params, ";") {
			k, v, ok := strings.Cut(param, "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil {
					f = 0
				}
				q = f
			}
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "gzip", "x-gzip":
			gz = q
		case "*":
			star = q
		}
	}
	if gz >= 0 {
		return gz > 0
	}
	return star > 0
}

// recorder passes a response on and keeps a copy of its status and body.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
