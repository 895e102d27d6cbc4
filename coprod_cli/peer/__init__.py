"""Peer support: interests and availability, suggested pairs, pairings, and fair rotas."""
