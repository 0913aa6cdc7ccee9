from vaultkit.cli.app import main

main()
