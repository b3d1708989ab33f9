package server

import (
	"github.com/go-chi/chi/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/accounts"
)

// userAdminRoutes registers the account pages: the page a one-time link opens, for anyone
// holding one, and the admins' user management and audit revert.
func (s *Server) userAdminRoutes(r chi.Router) {
	// The token is the credential, so these are open to anonymous visitors. It travels in the
	// query string and the form body, never the path: the access log writes paths.
	r.Get(accounts.SetupPath, s.handle(s.handleAccountSetupForm))
	r.Post(accounts.SetupPath, s.handle(s.handleAccountSetup))

	// Everyone signed in: where they are signed in, and ending the other sessions.
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole())
		r.Get("/account/security", s.handle(s.handleAccountSecurity))
		r.Get("/account/security/sessions", s.handle(s.handleEndOtherSessionsForm))
		r.Post("/account/security/sessions", s.handle(s.handleEndOtherSessions))
		r.Get("/account/two-factor", s.handle(s.handleTwoFactorSetupForm))
		r.Post("/account/two-factor", s.handle(s.handleTwoFactorSetup))
		r.Get("/account/two-factor/qr.png", s.handle(s.handleTwoFactorQR))
		r.Post("/account/two-factor/recovery-codes", s.handle(s.handleNewRecoveryCodes))
		r.Post("/account/two-factor/off", s.handle(s.handleTwoFactorOff))
	})

	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(access.Admin))
		r.Get("/admin/users", s.handle(s.handleAdminUsers))
		r.Get("/admin/users/new", s.handle(s.handleAdminUserNew))
		r.Post("/admin/users", s.handle(s.handleAdminUserInvite))
		r.Get("/admin/users/{id}", s.handle(s.handleAdminUser))
		r.Post("/admin/users/{id}", s.handle(s.handleAdminUserUpdate))
		r.Post("/admin/users/{id}/deactivate", s.handle(s.handleAdminUserDeactivate))
		r.Post("/admin/users/{id}/reactivate", s.handle(s.handleAdminUserReactivate))
		r.Post("/admin/users/{id}/reset", s.handle(s.handleAdminUserReset))
		r.Post("/admin/users/{id}/sessions", s.handle(s.handleAdminEndSessions))
		r.Post("/admin/users/{id}/two-factor", s.handle(s.handleAdminResetTwoFactor))
		// A revert may put back an agency, a contact or a term: it waits for the index.
		r.Get("/admin/audit/{id}/revert", s.handle(s.handleAdminAuditRevertForm))
		r.With(s.readYourWrites).Post("/admin/audit/{id}/revert", s.handle(s.handleAdminAuditRevert))
	})
}
