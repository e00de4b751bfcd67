"""The API gateway: the one door for people and front ends (login, routing to the services)."""
