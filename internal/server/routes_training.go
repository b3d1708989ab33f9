package server

import "github.com/go-chi/chi/v5"

// trainingRoutes registers the training pages (being written).
func (s *Server) trainingRoutes(r chi.Router) {}
