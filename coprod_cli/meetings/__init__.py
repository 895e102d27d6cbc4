"""A group's meetings: agendas with standing items, running them, minutes and actions."""
