package server

import (
	"github.com/go-chi/chi/v5"

	"dadirectory/internal/access"
)

// curationRoutes registers what admins curate: the dashboard, agencies and their contacts,
// the taxonomy and the site settings. Every route is behind the admin role; the directory
// store checks the viewer again in each call. Saves of agencies, contacts and terms change
// what the directory's pages and search show, so they wait for the index; the settings do not.
func (s *Server) curationRoutes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(access.Admin))
		r.Get("/admin", s.handle(s.handleAdminDashboard))
		r.Post("/admin/changes/seen", s.handle(s.handleAdminChangesSeen))
		r.Get("/admin/settings", s.handle(s.handleAdminSettings))
		r.Post("/admin/settings", s.handle(s.handleAdminSettingsUpdate))
	})

	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(access.Admin), s.readYourWrites)
		r.Get("/admin/agencies", s.handle(s.handleAdminAgencies))
		r.Get("/admin/agencies/new", s.handle(s.handleAdminAgencyNew))
		r.Post("/admin/agencies/new", s.handle(s.handleAdminAgencyCreate))
		r.Get("/admin/agencies/{slug}/edit", s.handle(s.handleAdminAgencyEdit))
		r.Post("/admin/agencies/{slug}/edit", s.handle(s.handleAdminAgencyUpdate))
		r.Get("/admin/agencies/{slug}/archive", s.handle(s.handleAdminAgencyArchiveForm))
		r.Post("/admin/agencies/{slug}/archive", s.handle(s.handleAdminAgencyArchive))
		r.Post("/admin/agencies/{slug}/restore", s.handle(s.handleAdminAgencyRestore))

		r.Get("/admin/agencies/{slug}/contacts/new", s.handle(s.handleAdminContactNew))
		r.Post("/admin/agencies/{slug}/contacts/new", s.handle(s.handleAdminContactCreate))
		r.Get("/admin/agencies/{slug}/contacts/{id}/edit", s.handle(s.handleAdminContactEdit))
		r.Post("/admin/agencies/{slug}/contacts/{id}/edit", s.handle(s.handleAdminContactUpdate))
		r.Get("/admin/agencies/{slug}/contacts/{id}/archive", s.handle(s.handleAdminContactArchiveForm))
		r.Post("/admin/agencies/{slug}/contacts/{id}/archive", s.handle(s.handleAdminContactArchive))
		r.Post("/admin/agencies/{slug}/contacts/{id}/restore", s.handle(s.handleAdminContactRestore))

		r.Get("/admin/taxonomy", s.handle(s.handleAdminTaxonomy))
		r.Get("/admin/taxonomy/{kind}/new", s.handle(s.handleAdminTermNew))
		r.Post("/admin/taxonomy/{kind}/new", s.handle(s.handleAdminTermCreate))
		r.Get("/admin/taxonomy/{kind}/{slug}/edit", s.handle(s.handleAdminTerm))
		r.Post("/admin/taxonomy/{kind}/{slug}/edit", s.handle(s.handleAdminTermRename))
		r.Post("/admin/taxonomy/{kind}/{slug}/merge", s.handle(s.handleAdminTermMerge))
		r.Post("/admin/taxonomy/{kind}/{slug}/retire", s.handle(s.handleAdminTermRetire))
		r.Post("/admin/taxonomy/{kind}/{slug}/restore", s.handle(s.handleAdminTermRestore))
	})
}
