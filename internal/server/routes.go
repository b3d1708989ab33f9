package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"dadirectory/internal/access"
	"dadirectory/internal/sso"
)

// Handler returns the whole application: every route, grouped by who may use it.
func (s *Server) Handler() http.Handler { return s.routes() }

// routes is the router itself, so the permission-matrix test can walk every route.
func (s *Server) routes() chi.Router {
	// Cross-site form posts are refused before any handler sees them, after the security
	// headers are set so the refusal carries them too. Visitors get no cookie and no token:
	// the browser's Sec-Fetch-Site and Origin headers are enough.
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.errorPage(w, r, http.StatusForbidden)
	}))

	r := chi.NewRouter()
	r.Use(requestID, s.accessLog, s.recoverPanic, s.securityHeaders, csrf.Handler, s.limitBody(r, maxFormBody), middleware.GetHead, s.compressPublic)

	// Operations: no page, no database for /healthz.
	r.Get("/healthz", s.handleHealthz)
	r.Get("/readyz", s.handleReadyz)
	r.Get("/static/*", s.assets.ServeHTTP)

	// Open data (Open Referral UK): for anyone, with no session, so no cookie, ever.
	s.openReferralRoutes(r)

	r.Group(func(r chi.Router) {
		// Sessions: a request without a cookie never touches the session store, so anonymous
		// visitors get no cookie and public pages work while the store is away.
		r.Use(s.sessions.LoadAndSave, s.loadUser)

		// Everyone, signed in or not. What each viewer sees is decided in the feature SQL.
		r.Group(func(r chi.Router) {
			// The home page, searches and agency pages are kept as drawn for the public
			// (public_pages.go): nothing on them depends on more than the address, the data and
			// the settings.
			r.With(s.keepPublicPages).Get("/", s.handle(s.handleHome))
			r.With(s.keepPublicPages).Get("/directory", s.handle(s.handleDirectory))
			r.With(s.keepPublicPages).Get("/agencies/{slug}", s.handle(s.handleAgencyShow))
			r.Get("/agencies/{slug}/print", s.handle(s.handleAgencyPrint))
			r.Get("/contacts", s.handle(s.handleContacts))
			r.Get("/contacts/print", s.handle(s.handleContactsPrint))
			r.Get("/safety", s.handle(s.handleSafety))
			r.Get("/login", s.handle(s.handleSignInForm))
			r.Post("/login", s.handle(s.handleSignIn))
			r.Get("/login/oidc", s.handle(s.handleSSOBegin))
			r.Get(sso.CallbackPath, s.handle(s.handleSSOCallback))
			r.Get("/login/code", s.handle(s.handleSignInCodeForm))
			r.Post("/login/code", s.handle(s.handleSignInCode))
			r.Get("/review/confirm", s.handle(s.handleReviewConfirmForm))
			r.Post("/review/confirm", s.handle(s.handleReviewConfirm))
			r.Get("/login/forgot", s.handle(s.handleForgotForm))
			r.Post("/login/forgot", s.handle(s.handleForgot))
			r.Post("/logout", s.handle(s.handleSignOut))
		})

		// RSL officers keep their own organisation's entry; the organisation comes from the
		// session, never from the URL, and contact ids are checked against it in SQL. What
		// they save is on the directory's pages and in its search: saves wait for the index.
		r.Group(func(r chi.Router) {
			r.Use(s.requireRole(access.RSLOfficer), s.readYourWrites)
			r.Get("/my/organisation", s.handle(s.handleMyOrganisation))
			r.Post("/my/organisation", s.handle(s.handleMyOrganisationUpdate))
			r.Post("/my/organisation/confirm", s.handle(s.handleMyOrganisationConfirm))
			r.Get("/my/organisation/contacts/new", s.handle(s.handleMyContactNew))
			r.Post("/my/organisation/contacts", s.handle(s.handleMyContactCreate))
			r.Get("/my/organisation/contacts/{id}", s.handle(s.handleMyContactEdit))
			r.Post("/my/organisation/contacts/{id}", s.handle(s.handleMyContactUpdate))
			r.Get("/my/organisation/contacts/{id}/delete", s.handle(s.handleMyContactDeleteForm))
			r.Post("/my/organisation/contacts/{id}/delete", s.handle(s.handleMyContactDelete))
			r.Post("/my/organisation/contacts/{id}/restore", s.handle(s.handleMyContactRestore))
		})

		// Every signed-in person may watch the organisations they can see.
		r.Group(func(r chi.Router) {
			r.Use(s.requireRole())
			r.Post("/agencies/{slug}/watch", s.handle(s.handleWatch))
			r.Get("/my/watching", s.handle(s.handleWatching))
		})

		// Champions keep their own champion entry, a contact on the directory's pages: saves
		// wait for the index.
		r.Group(func(r chi.Router) {
			r.Use(s.requireRole(access.Champion), s.readYourWrites)
			r.Get("/my/champion", s.handle(s.handleMyChampion))
			r.Post("/my/champion", s.handle(s.handleMyChampionUpdate))
		})

		// Feature areas register their own groups, each behind its own role checks.
		s.trainingRoutes(r)
		s.consultationRoutes(r)
		s.libraryRoutes(r)
		s.curationRoutes(r)
		s.userAdminRoutes(r)
		s.vocabRoutes(r)
		s.reportRoutes(r)
		s.exchangeRoutes(r)
		s.devMailRoutes(r)
		s.sheetRoutes(r)

		// Admins: the audit trail.
		r.Group(func(r chi.Router) {
			r.Use(s.requireRole(access.Admin))
			r.Get("/admin/audit", s.handle(s.handleAdminAudit))
		})
	})

	r.NotFound(func(w http.ResponseWriter, r *http.Request) { s.errorPage(w, r, http.StatusNotFound) })
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) { s.errorPage(w, r, http.StatusMethodNotAllowed) })
	return r
}
