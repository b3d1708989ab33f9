package server

import "github.com/go-chi/chi/v5"

// userAdminRoutes registers the user administration pages (being written).
func (s *Server) userAdminRoutes(r chi.Router) {}
