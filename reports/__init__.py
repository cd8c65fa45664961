"""Results turned into the documents people read: the tender evaluation report, each
bidder's assessment summary and the contract monitoring report, in HTML, PDF and Markdown.

It reads results in the engine's JSON shape (what `probity tender --format json` prints), so
the command line and the service write the same documents; it knows nothing of gRPC.
"""
