    alter table bill_of_materials 
       drop 
       foreign key FK6plmg2wogh89mqdviomg47rto
@@@@
    alter table bill_of_materials 
       drop 
       foreign key FKnp6wspb09vab0709d85l9ll7k
@@@@
    alter table deliveries 
       drop 
       foreign key FK7isx0rnbgqr1dcofd5putl6jw
@@@@
    alter table orders 
       drop 
       foreign key FKpxtb8awmi0dk6smoh2vp1litg
