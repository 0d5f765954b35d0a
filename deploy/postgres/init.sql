-- One database per part (ARCHITECTURE.md §3: no service reads another's database).
-- Runs once, when the postgres volume is first initialised.
CREATE DATABASE membership;
CREATE DATABASE gamification;
CREATE DATABASE content;
CREATE DATABASE gateway;
