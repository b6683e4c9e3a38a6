"""What a project is once loaded: the normalized model (services, networks, volumes, their ports and
mounts, each with the span where it was written), which services hold data, and the networkx graph of
who can reach whom that the topology rules query."""
