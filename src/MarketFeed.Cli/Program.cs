Console.WriteLine("marketfeed");
