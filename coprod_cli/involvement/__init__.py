"""Involvement that is valued: payments and expenses at named rates, and ways to get involved."""
