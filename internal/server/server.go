// Package server turns HTTP requests into calls on the feature packages and their results
// into pages. Handlers are thin: they read the request, ask a feature store, and render.
package server

import (
	"bytes"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/a-h/templ"
	"github.com/alexedwards/scs/v2"
	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/accounts"
	"dadirectory/internal/audit"
	"dadirectory/internal/config"
	"dadirectory/internal/directory"
	"dadirectory/internal/jobs"
	"dadirectory/internal/library"
	"dadirectory/internal/mail"
	"dadirectory/internal/metrics"
	"dadirectory/internal/openreferral"
	"dadirectory/internal/reports"
	"dadirectory/internal/site"
	"dadirectory/internal/sso"
	"dadirectory/internal/training"
	"dadirectory/internal/vocab"
	"dadirectory/templates"
	"dadirectory/web"
)

// Server holds what the handlers need. Build it with New. Handlers reach every feature one
// way: through its store here, built once.
type Server struct {
	cfg      config.Config
	log      *slog.Logger
	db       *pgxpool.Pool
	assets   *web.Assets
	sessions *scs.SessionManager

	directory *directory.Store
	site      *site.Store
	library   *library.Store
	training  *training.Store
	accounts  *accounts.Store
	audit     *audit.Store
	vocab     *vocab.Store
	reports   *reports.Store

	// Mail: queue is the job queue (off when mail is off), outbox where features post
	// letters, and mailbox dev's /dev/mail (nil outside dev). See mail.go.
	queue   *jobs.Queue
	outbox  *mail.Outbox
	mailbox *mail.Mailbox

	metrics *metrics.Metrics

	// draining is set when shutdown begins: /readyz fails, everything else is still served.
	draining atomic.Bool

	// sso is the council's single sign-on; nil when OIDC_ISSUER is not set.
	sso *sso.Provider

	// pages keeps what public routes draw for visitors who are not signed in.
	pages keptPages

	// The open data API (openreferral.go): its store, answers kept until the directory
	// changes, and the limit on requests per client address.
	openReferral  *openreferral.Store
	openDataCache openDataCache
	openDataLimit *rateLimiter

	// bodyLimits are the routes ("METHOD /pattern") allowed a body larger than a form's.
	bodyLimits map[string]int64
}

// New builds a Server over an open pool.
func New(cfg config.Config, log *slog.Logger, db *pgxpool.Pool) (*Server, error) {
	assets, err := web.NewAssets()
	if err != nil {
		return nil, err
	}
	trail, err := audit.NewStore(db, auditEntities()...)
	if err != nil {
		return nil, err
	}
	if trail, err = trail.WithWords(auditLabels(), auditNames()...); err != nil {
		return nil, err
	}
	accountsStore, err := accounts.NewStore(db, accounts.HashParams{MemoryKiB: cfg.Argon2MemoryKiB, Time: cfg.Argon2Time, Threads: 1},
		accounts.DefaultThrottle, 2)
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:       cfg,
		log:       log,
		db:        db,
		assets:    assets,
		directory: directory.NewStore(db),
		site: site.NewStore(db, site.Settings{
			SiteName:       cfg.SiteName,
			CouncilName:    cfg.CouncilName,
			HelplineName:   cfg.HelplineName,
			HelplineNumber: cfg.Helpline,
			QuickExitURL:   cfg.QuickExitURL,
		}),
		library:  library.NewStore(db),
		training: training.NewStore(db),
		accounts: accountsStore,
		audit:    trail,
		vocab:    vocab.NewStore(db),
		queue:    jobs.New(),
	}
	// Stores that send mail get the outbox now; startMail decides below whether it is on.
	s.outbox = mail.NewOutbox(s.queue, cfg.BaseURL, s.siteName)
	s.training = s.training.WithMail(s.outbox, cfg.OfferTime)
	if cfg.OIDC != nil {
		s.sso = sso.New(cfg.OIDC, cfg.BaseURL, db)
	}
	s.reports = reports.NewStore(db, reports.DefaultThrottle, s.outbox)
	s.metrics = metrics.New(db, s.directory.IndexStats)
	s.openReferral = openreferral.NewStore(db, s.directory, cfg.BaseURL)
	s.openDataLimit = &rateLimiter{perMinute: cfg.OpenDataRateLimit}
	s.sessions = s.newSessions()
	if err := s.startMail(); err != nil {
		return nil, err
	}
	s.directory.Start() // build the search index now, not on the first visitor's search
	return s, nil
}

// MetricsHandler serves /metrics in the Prometheus text format, for the METRICS_ADDR
// listener only: Handler never routes to it.
func (s *Server) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.metrics.Handler())
	return mux
}

// auditEntities are the entity types the audit trail names and reverts, each described by the
// feature that owns its rows.
func auditEntities() []audit.Entity {
	return slices.Concat(directory.AuditEntities(), accounts.AuditEntities(), vocab.AuditEntities())
}

// auditLabels are the features' form labels for the fields their events record; auditNames
// how the trail names their rows.
func auditLabels() audit.Labels {
	out := audit.Labels{}
	for _, l := range []audit.Labels{directory.AuditLabels(), training.AuditLabels(), training.ConsultationAuditLabels()} {
		maps.Copy(out, l)
	}
	return out
}

func auditNames() []audit.Name {
	return slices.Concat(directory.AuditNames(), training.AuditNames(), training.ConsultationAuditNames(), library.AuditNames())
}

// Close stops the background work New started (the job queue, and keeping the search index
// current).
func (s *Server) Close() {
	s.queue.Stop(s.cfg.ShutdownWait)
	s.directory.Close()
}

// base gathers what the layout of every page needs. When the settings cannot be read (the
// database is away) it still returns the defaults, so error pages can be drawn.
func (s *Server) base(r *http.Request) templates.Base {
	b := s.siteBase(r)
	b.Undo = s.popUndo(r)
	return b
}

// siteBase is base without taking the undo a destructive action left: for error pages, so
// that a refusal on the way does not lose the button.
func (s *Server) siteBase(r *http.Request) templates.Base {
	settings, err := s.site.Get(r.Context())
	if err != nil {
		settings = s.site.Defaults()
	}
	b := s.baseWith(r, settings)
	// Admin pages say in their navigation how many problem reports are open: one indexed
	// count, and a page still draws without it.
	if b.Viewer.IsAdmin() && (b.Path == "/admin" || strings.HasPrefix(b.Path, "/admin/")) {
		if n, err := s.reports.OpenCount(r.Context(), b.Viewer); err == nil {
			b.OpenReports = n
		}
	}
	return b
}

// baseWith is base with the settings given. The 503 page passes the defaults: asking a
// database that stopped answering for the settings would only make the visitor wait again.
func (s *Server) baseWith(r *http.Request, settings site.Settings) templates.Base {
	b := templates.Base{
		Offers:   requestOffers(r),
		Site:     settings,
		CSS:      s.assets.URL("site.css"),
		StaffCSS: s.assets.URL("staff.css"),
		ExitJS:   s.assets.URL("exit.js"),
		ShareJS:  s.assets.URL("share.js"),
		Icon:     s.assets.URL("favicon.svg"),
		Path:     r.URL.Path,
	}
	if s.cfg.BaseURL != nil {
		b.SiteURL = strings.TrimSuffix(s.cfg.BaseURL.String(), "/")
	}
	if u, ok := currentUser(r.Context()); ok {
		b.Viewer, b.UserName = u.Viewer(), u.Name
	}
	return b
}

var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render draws c into a pooled buffer first, so a failure mid-page becomes a clean error page
// rather than half a page, and the response carries its Content-Length. No HTML is cached:
// a shared device must not keep pages in its cache.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) error {
	buf := buffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() < 1<<20 { // don't keep a rare huge page's buffer alive
			buffers.Put(buf)
		}
	}()
	if err := c.Render(r.Context(), buf); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		// Once the answer has begun, a failed write means the visitor has gone (a closed tab,
		// a dropped line): there is no one to tell, and nothing failed on our side.
		_, _ = w.Write(buf.Bytes())
	}
	return nil
}
