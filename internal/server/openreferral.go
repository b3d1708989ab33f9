package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/klauspost/compress/s2"

	"dadirectory/internal/edit"
	"dadirectory/internal/openreferral"
	"dadirectory/internal/postgres"
)

// The open data API: the public directory in the Open Referral UK standard (HSDS 3.0), read
// by anyone with no key and no cookie. Routes sit outside the session middleware, so even a
// signed-in visitor's request reads only what the public may see. Answers are JSON with
// CORS for every origin, an ETag (a digest of the body) and Last-Modified (the directory's
// latest change), 304 to a matching If-None-Match or If-Modified-Since, and a limit on
// requests per client address (429 with Retry-After). Each answer is kept, per instance,
// until the directory changes.

// openReferralRoutes registers /openreferral/v3/.
func (s *Server) openReferralRoutes(r chi.Router) {
	r.Route("/openreferral/v3", func(r chi.Router) {
		r.Use(s.openData)
		r.Get("/", s.openDataJSON(s.handleOpenReferralRoot))
		r.Get("/services", s.handleOpenReferralServices)
		r.Get("/services/{id}", s.openDataJSON(s.handleOpenReferralService))
		r.Get("/organizations", s.openDataJSON(s.handleOpenReferralOrganizations))
		r.Get("/organizations/{id}", s.openDataJSON(s.handleOpenReferralOrganization))
		r.Get("/service_at_locations", s.openDataJSON(s.handleOpenReferralServiceAtLocations))
		r.Get("/taxonomies", s.openDataJSON(s.handleOpenReferralTaxonomies))
		r.Get("/taxonomies/{id}", s.openDataJSON(s.handleOpenReferralTaxonomy))
		r.Get("/taxonomy_terms", s.openDataJSON(s.handleOpenReferralTerms))
		r.Get("/taxonomy_terms/{id}", s.openDataJSON(s.handleOpenReferralTerm))
		r.NotFound(func(w http.ResponseWriter, r *http.Request) {
			openDataError(w, http.StatusNotFound, "", "There is nothing at this address.")
		})
		r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", "GET, HEAD, OPTIONS")
			openDataError(w, http.StatusMethodNotAllowed, "", "The open data is read only: use GET.")
		})
	})
}

// openData sets the headers every open data answer carries and applies the rate limit.
func (s *Server) openData(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Expose-Headers", "ETag, Last-Modified, Retry-After")
		// Other sites' pages may read it (the site's own pages stay same-origin).
		h.Set("Cross-Origin-Resource-Policy", "cross-origin")
		h.Set("Cache-Control", "no-cache")
		if r.Method == http.MethodOptions {
			// A browser asks before sending If-None-Match or If-Modified-Since from another
			// site (a preflight): any path, since it may not know which exist.
			h.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "If-None-Match, If-Modified-Since")
			h.Set("Access-Control-Max-Age", "86400")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if ok, wait := s.openDataLimit.allow(s.clientAddr(r), time.Now()); !ok {
			h.Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
			openDataError(w, http.StatusTooManyRequests, "", "Too many requests from this address: wait and try again.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// openDataBody is what a handler answers: the JSON and whether it may be kept until the
// directory changes.
type openDataBody struct {
	body     []byte
	keepable bool
}

// openDataJSON serves what h returns with its validators, keeping it until the directory
// changes when h says it may be kept.
func (s *Server) openDataJSON(h func(r *http.Request) (openDataBody, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key := r.URL.Path + "?" + r.URL.Query().Encode()
		version, fresh := s.directory.Version()
		entry, hit := s.openDataCache.get(key, version, fresh)
		body := entry.body
		if hit {
			buf := buffers.Get().(*bytes.Buffer)
			defer buffers.Put(buf)
			var err error
			if body, err = entry.unpack(buf); err != nil { // cannot happen: packed here
				s.openDataFail(w, r, err)
				return
			}
		} else {
			res, err := h(r)
			if err != nil {
				s.openDataFail(w, r, err)
				return
			}
			sum := sha256.Sum256(res.body)
			body = res.body
			entry = openDataEntry{etag: `W/"` + hex.EncodeToString(sum[:12]) + `"`}
			if res.keepable {
				lm, err := s.openDataCache.lastModified(r.Context(), version, fresh, s.openReferral.LastModified)
				if err != nil {
					s.openDataFail(w, r, err)
					return
				}
				entry.lastModified = lm
				if fresh {
					s.openDataCache.put(key, version, entry, body)
				}
			}
		}
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("ETag", entry.etag)
		if !entry.lastModified.IsZero() {
			h.Set("Last-Modified", entry.lastModified.Format(http.TimeFormat))
		}
		if notModified(r, entry.etag, entry.lastModified) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			w.Write(body)
		}
	}
}

// notModified applies If-None-Match (etagMatches, library_browse.go), or when it is absent If-Modified-Since.
func notModified(r *http.Request, etag string, lastModified time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		return etagMatches(inm, etag)
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" && !lastModified.IsZero() {
		t, err := http.ParseTime(ims)
		return err == nil && !lastModified.Truncate(time.Second).After(t)
	}
	return false
}

// openDataFail answers err as JSON: a bad parameter 400 naming it, an unknown id 404, the
// database away 503; other errors are logged and 500.
func (s *Server) openDataFail(w http.ResponseWriter, r *http.Request, err error) {
	var bad *openreferral.ParamError
	switch {
	case errors.As(err, &bad):
		openDataError(w, http.StatusBadRequest, bad.Param, bad.Error())
	case errors.Is(err, edit.ErrNotFound):
		openDataError(w, http.StatusNotFound, "", "There is no published record with this id.")
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil,
		errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ECONNRESET):
	case postgres.IsUnavailable(err):
		s.log.WarnContext(r.Context(), "database unavailable", slog.String("path", r.URL.Path), slog.Any("err", err))
		w.Header().Set("Retry-After", "5")
		openDataError(w, http.StatusServiceUnavailable, "", "The service is not working at the moment: try again in a few minutes.")
	default:
		s.log.ErrorContext(r.Context(), "request failed", slog.String("path", r.URL.Path), slog.Any("err", err))
		openDataError(w, http.StatusInternalServerError, "", "Something went wrong on our side: try again later.")
	}
}

// openDataProblem is the body of an error answer.
type openDataProblem struct {
	Status    int    `json:"status"`
	Error     string `json:"error"`
	Parameter string `json:"parameter,omitempty"`
	Message   string `json:"message"`
}

func openDataError(w http.ResponseWriter, status int, param, message string) {
	b, _ := json.Marshal(openDataProblem{Status: status, Error: http.StatusText(status), Parameter: param, Message: message})
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Del("ETag")
	h.Del("Last-Modified")
	w.WriteHeader(status)
	w.Write(b)
}

// The handlers: each reads its parameters and asks the open data store.

func keep(b []byte, err error) (openDataBody, error) {
	return openDataBody{body: b, keepable: true}, err
}

func (s *Server) handleOpenReferralRoot(r *http.Request) (openDataBody, error) {
	settings, err := s.site.Get(r.Context())
	if err != nil {
		return openDataBody{}, err
	}
	b, err := s.openReferral.RootJSON(settings.CouncilName)
	return openDataBody{body: b}, err
}

// handleOpenReferralServices serves a page of services, or with format=ndjson streams every
// match.
func (s *Server) handleOpenReferralServices(w http.ResponseWriter, r *http.Request) {
	p, err := openreferral.ParseServices(r.URL.Query())
	if err != nil {
		s.openDataFail(w, r, err)
		return
	}
	if !p.NDJSON {
		s.openDataJSON(func(r *http.Request) (openDataBody, error) { return keep(s.openReferral.Services(r.Context(), p)) })(w, r)
		return
	}
	version, fresh := s.directory.Version()
	lm, err := s.openDataCache.lastModified(r.Context(), version, fresh, s.openReferral.LastModified)
	if err != nil {
		s.openDataFail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/x-ndjson")
	h.Set("Last-Modified", lm.Format(http.TimeFormat))
	if notModified(r, "", lm) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusOK)
		return
	}
	rc := http.NewResponseController(w)
	started := false
	err = s.openReferral.StreamServices(r.Context(), p, streamWriter{w: w, started: &started}, func() {
		rc.SetWriteDeadline(time.Now().Add(time.Minute)) // a long stream is not a stuck one
		rc.Flush()
	})
	if err != nil {
		if !started {
			s.openDataFail(w, r, err)
			return
		}
		// Too late for a status: cut the stream short, so the client sees it was incomplete.
		s.log.ErrorContext(r.Context(), "stream failed", slog.String("path", r.URL.Path), slog.Any("err", err))
		panic(http.ErrAbortHandler)
	}
}

// streamWriter notes when the first byte goes, after which the status is sent.
type streamWriter struct {
	w       http.ResponseWriter
	started *bool
}

func (s streamWriter) Write(b []byte) (int, error) {
	*s.started = true
	return s.w.Write(b)
}

func (s *Server) handleOpenReferralService(r *http.Request) (openDataBody, error) {
	return keep(s.openReferral.Service(r.Context(), chi.URLParam(r, "id")))
}

func (s *Server) handleOpenReferralOrganizations(r *http.Request) (openDataBody, error) {
	p, err := openreferral.ParseOrganizations(r.URL.Query())
	if err != nil {
		return openDataBody{}, err
	}
	return keep(s.openReferral.Organizations(r.Context(), p))
}

func (s *Server) handleOpenReferralOrganization(r *http.Request) (openDataBody, error) {
	return keep(s.openReferral.Organization(r.Context(), chi.URLParam(r, "id")))
}

func (s *Server) handleOpenReferralServiceAtLocations(r *http.Request) (openDataBody, error) {
	p, err := openreferral.ParseServices(r.URL.Query())
	if err != nil {
		return openDataBody{}, err
	}
	return keep(s.openReferral.ServiceAtLocations(r.Context(), p))
}

func (s *Server) handleOpenReferralTaxonomies(r *http.Request) (openDataBody, error) {
	p, _, err := openreferral.ParseTerms(r.URL.Query())
	if err != nil {
		return openDataBody{}, err
	}
	return keep(s.openReferral.TaxonomiesPage(p))
}

func (s *Server) handleOpenReferralTaxonomy(r *http.Request) (openDataBody, error) {
	return keep(s.openReferral.Taxonomy(chi.URLParam(r, "id")))
}

func (s *Server) handleOpenReferralTerms(r *http.Request) (openDataBody, error) {
	p, parent, err := openreferral.ParseTerms(r.URL.Query())
	if err != nil {
		return openDataBody{}, err
	}
	return keep(s.openReferral.TaxonomyTermsPage(r.Context(), p, parent))
}

func (s *Server) handleOpenReferralTerm(r *http.Request) (openDataBody, error) {
	return keep(s.openReferral.TaxonomyTerm(r.Context(), chi.URLParam(r, "id")))
}

// openDataCache keeps answers until the directory's version moves on, up to a bound. Bodies
// are kept in S2: JSON packs to about a seventh, so the bound holds a few hundred pages of 50
// services instead of fifty, and unpacking a page takes microseconds (public_pages.go).
type openDataCache struct {
	mu      sync.Mutex
	version uint64
	lastMod time.Time // the directory's Last-Modified at version
	entries map[string]openDataEntry
	bytes   int // packed bytes kept
}

type openDataEntry struct {
	s2           []byte // the body, packed (only in the cache)
	body         []byte // the body, when just read (never in the cache)
	etag         string
	lastModified time.Time
}

// unpack is the entry's body, unpacked into buf.
func (e openDataEntry) unpack(buf *bytes.Buffer) ([]byte, error) {
	n, err := s2.DecodedLen(e.s2)
	if err != nil {
		return nil, err
	}
	buf.Reset()
	buf.Grow(n)
	return s2.Decode(buf.AvailableBuffer()[:n], e.s2)
}

// The cache's bounds. Small beside the search index, so the app stays within its memory limit
// (GOMEMLIMIT); an answer packing to over a quarter of it is not kept.
const (
	openDataCacheEntries = 2000
	openDataCacheBytes   = 4 << 20
)

func (c *openDataCache) get(key string, version uint64, fresh bool) (openDataEntry, bool) {
	if !fresh {
		return openDataEntry{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version {
		return openDataEntry{}, false
	}
	e, ok := c.entries[key]
	return e, ok
}

// put keeps e with body, read at version (taken before reading, so an answer read across a
// change is filed under the older version, which is never served again once the version moves
// on). When the cache is full, answers chosen at random make room.
func (c *openDataCache) put(key string, version uint64, e openDataEntry, body []byte) {
	e.body, e.s2 = nil, packS2(body)
	if cap(e.s2) > openDataCacheBytes/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if version < c.version {
		return
	}
	if version > c.version || c.entries == nil {
		if version > c.version {
			c.lastMod = time.Time{}
		}
		c.version, c.entries, c.bytes = version, map[string]openDataEntry{}, 0
	}
	if old, ok := c.entries[key]; ok {
		c.bytes -= cap(old.s2)
		delete(c.entries, key)
	}
	for k, old := range c.entries { // map order is random enough to spread the evictions
		if len(c.entries) < openDataCacheEntries && c.bytes+cap(e.s2) <= openDataCacheBytes {
			break
		}
		c.bytes -= cap(old.s2)
		delete(c.entries, k)
	}
	c.entries[key] = e
	c.bytes += cap(e.s2)
}

// lastModified is the directory's Last-Modified, read once per version.
func (c *openDataCache) lastModified(ctx context.Context, version uint64, fresh bool, read func(context.Context) (time.Time, error)) (time.Time, error) {
	if fresh {
		c.mu.Lock()
		lm := c.lastMod
		same := c.version == version
		c.mu.Unlock()
		if same && !lm.IsZero() {
			return lm, nil
		}
	}
	lm, err := read(ctx)
	if err != nil || !fresh {
		return lm, err
	}
	c.mu.Lock()
	if version > c.version {
		c.version, c.entries, c.bytes = version, map[string]openDataEntry{}, 0
	}
	if version == c.version {
		c.lastMod = lm
	}
	c.mu.Unlock()
	return lm, nil
}

// rateLimiter allows each client address perMinute requests a minute, as a token bucket
// (bursts up to perMinute, refilled evenly). In memory, per instance.
type rateLimiter struct {
	perMinute int
	mu        sync.Mutex
	clients   map[string]*tokenBucket
}

type tokenBucket struct {
	tokens float64
	at     time.Time
}

// allow takes a token for addr at now, or says how long until one is there.
func (l *rateLimiter) allow(addr string, now time.Time) (bool, time.Duration) {
	if l == nil || l.perMinute <= 0 {
		return true, 0
	}
	rate := float64(l.perMinute) / 60 // tokens a second
	full := float64(l.perMinute)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.clients == nil {
		l.clients = map[string]*tokenBucket{}
	}
	if len(l.clients) >= 10000 {
		// Forget the clients whose buckets have filled again: they lose nothing.
		for a, b := range l.clients {
			if b.tokens+now.Sub(b.at).Seconds()*rate >= full {
				delete(l.clients, a)
			}
		}
	}
	b := l.clients[addr]
	if b == nil {
		b = &tokenBucket{tokens: full, at: now}
		l.clients[addr] = b
	}
	b.tokens = min(full, b.tokens+now.Sub(b.at).Seconds()*rate)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / rate * float64(time.Second))
}
